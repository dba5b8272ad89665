import { ValidationError } from '../errors';
import type { Channel } from '../model/event';
import type { ReminderLocaleTemplates, ReminderTemplates } from './reminder-templates';

/** The wording a language ships with. Its templates must cover every touchpoint, situation and source kind. */
export interface BuiltInReminderLocale {
  /** ISO 639 language code, e.g. `fr`. */
  language: string;
  templates: ReminderLocaleTemplates;
  /** Labels for well-known purposes, with the determiner the sentences expect ("cette newsletter"). */
  purposes: Record<string, string>;
  /** Labels for any other purpose, by channel ("ces e-mails", "these text messages"). */
  channels: Record<Channel, string>;
  /** The tag dates are formatted with when the request names the bare language (`en` → `en-GB`). */
  dateLocale?: string;
  /** Rewrites the day of the month, e.g. French "1" → "1er". */
  formatDay?: (day: string) => string;
}

/** A locale request resolved against the built-in wording and the user's templates. */
export interface ResolvedReminderLocale {
  /** Canonical BCP 47 tag the sentence is written for, e.g. `fr-CA`. */
  tag: string;
  /** The tag and its less specific forms, most specific first: `fr-CA`, `fr`. */
  chain: string[];
  /** User templates for the chain, most specific first. */
  overrides: Array<{ tag: string; templates: ReminderLocaleTemplates }>;
  builtIn: BuiltInReminderLocale | undefined;
}

function canonicalTag(tag: string, path: string): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (canonical) return canonical;
  } catch {
    // falls through to the error below
  }
  throw new ValidationError([{ path, reason: `"${tag}" is not a BCP 47 language tag (e.g. fr, en-GB)` }], 'generateReminder');
}

/** `zh-Hant-TW` → `zh-Hant-TW`, `zh-Hant`, `zh`. */
export function localeChain(tag: string): string[] {
  const parts = tag.split('-');
  const chain: string[] = [];
  for (let length = parts.length; length >= 1; length -= 1) chain.push(parts.slice(0, length).join('-'));
  return chain;
}

/** Looks a locale-keyed record up along a chain, ignoring the case of its keys. */
export function lookupByLocale<T>(record: Readonly<Record<string, T>> | undefined, chain: readonly string[]): T | undefined {
  if (!record) return undefined;
  const byLowerCase = new Map(Object.entries(record).map(([key, value]) => [key.toLowerCase(), value] as const));
  for (const tag of chain) {
    const found = byLowerCase.get(tag.toLowerCase());
    if (found !== undefined) return found;
  }
  return undefined;
}

function resolveOne(
  tag: string,
  builtIns: ReadonlyMap<string, BuiltInReminderLocale>,
  templates: ReminderTemplates | undefined,
): ResolvedReminderLocale | undefined {
  const chain = localeChain(tag);
  const overrides: ResolvedReminderLocale['overrides'] = [];
  if (templates) {
    const entries = Object.entries(templates).map(([key, value]) => [key.toLowerCase(), { tag: key, templates: value }] as const);
    for (const link of chain) {
      for (const [key, entry] of entries) if (key === link.toLowerCase()) overrides.push(entry);
    }
  }
  const builtIn = builtIns.get(chain.at(-1)!.toLowerCase());
  if (!builtIn && overrides.length === 0) return undefined;
  return { tag, chain, overrides, builtIn };
}

/**
 * Resolves the requested locale: its language's built-in wording (fr-CA → fr) plus any user
 * templates; else `fallbackLocale`; else a `ValidationError` naming `locale`.
 */
export function resolveReminderLocale(
  locale: string,
  fallbackLocale: string | undefined,
  builtIns: ReadonlyMap<string, BuiltInReminderLocale>,
  templates: ReminderTemplates | undefined,
): ResolvedReminderLocale {
  if (typeof locale !== 'string' || locale.trim() === '') {
    throw new ValidationError([{ path: 'locale', reason: 'must be a BCP 47 language tag such as fr or en-GB' }], 'generateReminder');
  }
  const requested = resolveOne(canonicalTag(locale, 'locale'), builtIns, templates);
  if (requested) return requested;
  const supported = [...builtIns.keys()].join(', ');
  if (fallbackLocale !== undefined) {
    const fallback = resolveOne(canonicalTag(fallbackLocale, 'fallbackLocale'), builtIns, templates);
    if (fallback) return fallback;
    throw new ValidationError(
      [{ path: 'fallbackLocale', reason: `"${fallbackLocale}" has no reminder wording either; use one of ${supported}` }],
      'generateReminder',
    );
  }
  throw new ValidationError(
    [{ path: 'locale', reason: `"${locale}" has no reminder wording (built in: ${supported}); pass fallbackLocale, or templates for it` }],
    'generateReminder',
  );
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Checks an IANA time zone name, throwing a `ValidationError` naming `timeZone`. */
export function assertTimeZone(timeZone: string): void {
  dateFormatter('en', timeZone);
}

function dateFormatter(tag: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${tag}|${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'long', year: 'numeric', timeZone });
    } catch (error) {
      throw new ValidationError(
        [{ path: 'timeZone', reason: `"${timeZone}" is not a time zone this runtime knows; use an IANA name such as Europe/Paris or UTC` }],
        'generateReminder',
      );
    }
    if (formatters.size > 500) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * The day an instant falls on in `timeZone`, written the way the locale writes a date in a
 * sentence: "19 septembre 2012", "19 September 2012", "19. September 2012".
 */
export function formatReminderDate(instant: string, resolved: ResolvedReminderLocale, timeZone: string): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) {
    throw new ValidationError([{ path: 'state.consents[].granted.at', reason: `"${instant}" is not a date` }], 'generateReminder');
  }
  const bareLanguage = resolved.chain.length === 1;
  const tag = bareLanguage && resolved.builtIn?.dateLocale ? resolved.builtIn.dateLocale : resolved.tag;
  const parts = dateFormatter(tag, timeZone).formatToParts(date);
  const formatDay = resolved.builtIn?.formatDay;
  return parts.map((part) => (part.type === 'day' && formatDay ? formatDay(part.value) : part.value)).join('');
}
