/**
 * Mailchimp's partial responses: `fields` keeps only the named paths, `exclude_fields` drops
 * them; both are comma-separated and use dot notation into sub-objects and arrays of objects
 * (`members.email_address`).
 */
export function applyPartialResponse(json: unknown, fields: string | null, excludeFields: string | null): unknown {
  let result = json;
  if (fields) result = pick(result, fields.split(',').map((path) => path.trim().split('.')).filter((path) => path[0] !== ''));
  if (excludeFields) {
    result = structuredClone(result);
    for (const path of excludeFields.split(',')) omit(result, path.trim().split('.'));
  }
  return result;
}

function pick(value: unknown, paths: string[][]): unknown {
  if (Array.isArray(value)) return value.map((item) => pick(item, paths));
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  const grouped = new Map<string, string[][]>();
  for (const [head, ...rest] of paths) {
    if (head === undefined || !(head in source)) continue;
    const group = grouped.get(head) ?? [];
    group.push(rest);
    grouped.set(head, group);
  }
  for (const [head, rests] of grouped) {
    result[head] = rests.some((rest) => rest.length === 0) ? source[head] : pick(source[head], rests);
  }
  return result;
}

function omit(value: unknown, path: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) omit(item, path);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const [head, ...rest] = path;
  if (head === undefined) return;
  const source = value as Record<string, unknown>;
  if (rest.length === 0) delete source[head];
  else omit(source[head], rest);
}
