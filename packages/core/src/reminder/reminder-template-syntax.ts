import { ValidationError } from '../errors';

/**
 * The small placeholder language of reminder templates (documented on `ReminderLocaleTemplates`):
 * `{name}` placeholders, `[ … ]` optional parts, `{{ }} [[ ]]` literals.
 */

export type TemplateToken =
  | { kind: 'text'; text: string }
  | { kind: 'placeholder'; name: string }
  | { kind: 'optional'; tokens: TemplateToken[] };

/** Placeholders every template may use. */
export const DATA_PLACEHOLDERS = ['purpose', 'date', 'name', 'place', 'partner', 'campaign', 'url'] as const;
/** Which placeholders each kind of template may use (a source phrase cannot refer to itself). */
export const PLACEHOLDERS_BY_ROLE = {
  sentence: new Set<string>([...DATA_PLACEHOLDERS, 'source', 'reason']),
  reason: new Set<string>([...DATA_PLACEHOLDERS, 'source']),
  source: new Set<string>(DATA_PLACEHOLDERS),
} as const;
export type TemplateRole = keyof typeof PLACEHOLDERS_BY_ROLE;

const parsed = new Map<string, TemplateToken[]>();

/** Parses a template once (cached by role and text); throws a `ValidationError` at `path` when it is malformed. */
export function parseTemplate(template: string, role: TemplateRole, path: string): TemplateToken[] {
  const key = `${role}\u0000${template}`;
  const cached = parsed.get(key);
  if (cached) return cached;
  const tokens = parseUncached(template, PLACEHOLDERS_BY_ROLE[role], path);
  if (parsed.size > 1000) parsed.clear();
  parsed.set(key, tokens);
  return tokens;
}

function parseUncached(template: string, allowed: ReadonlySet<string>, path: string): TemplateToken[] {
  const fail = (reason: string): never => {
    throw new ValidationError([{ path, reason }], 'Reminder template');
  };
  const root: TemplateToken[] = [];
  let current = root;
  let optional: TemplateToken[] | undefined;
  let text = '';
  const flush = () => {
    if (text) current.push({ kind: 'text', text });
    text = '';
  };

  for (let index = 0; index < template.length; index += 1) {
    const character = template[index]!;
    const next = template[index + 1];
    if ((character === '{' || character === '}' || character === '[' || character === ']') && next === character) {
      text += character;
      index += 1;
      continue;
    }
    if (character === '{') {
      const end = template.indexOf('}', index);
      const name = end === -1 ? '' : template.slice(index + 1, end);
      if (end === -1 || !/^[a-z]+$/i.test(name)) fail(`malformed placeholder at character ${index}; write {{ for a literal brace`);
      if (!allowed.has(name)) fail(`unknown placeholder {${name}}; this template may use ${[...allowed].map((known) => `{${known}}`).join(', ')}`);
      flush();
      current.push({ kind: 'placeholder', name });
      index = end;
    } else if (character === '}') {
      fail(`unmatched } at character ${index}; write }} for a literal brace`);
    } else if (character === '[') {
      if (optional) fail(`optional parts cannot nest (character ${index}); write [[ for a literal bracket`);
      flush();
      optional = [];
      current = optional;
    } else if (character === ']') {
      if (!optional) fail(`unmatched ] at character ${index}; write ]] for a literal bracket`);
      flush();
      root.push({ kind: 'optional', tokens: optional! });
      optional = undefined;
      current = root;
    } else {
      text += character;
    }
  }
  if (optional) fail('an optional part opened with [ is never closed');
  flush();
  return root;
}

/** The placeholders a parsed template uses, optional parts included. */
export function placeholdersOf(tokens: readonly TemplateToken[]): Set<string> {
  const names = new Set<string>();
  for (const token of tokens) {
    if (token.kind === 'placeholder') names.add(token.name);
    else if (token.kind === 'optional') for (const name of placeholdersOf(token.tokens)) names.add(name);
  }
  return names;
}

/**
 * Renders parsed tokens. `values` are ready to insert (already escaped for HTML); an empty string
 * means "no value", which drops any optional part that uses it.
 */
export function renderTemplate(tokens: readonly TemplateToken[], values: Readonly<Record<string, string>>): string {
  let result = '';
  for (const token of tokens) {
    if (token.kind === 'text') result += token.text;
    else if (token.kind === 'placeholder') result += values[token.name] ?? '';
    else if (token.tokens.every((inner) => inner.kind !== 'placeholder' || (values[inner.name] ?? '') !== '')) {
      result += renderTemplate(token.tokens, values);
    }
  }
  return result;
}
