/**
 * The rules an event is checked against, shared by the zod schemas (event-schema.ts, which word the
 * errors) and the fast path for stored events (stored-event-fast-path.ts, which only ever accepts):
 * one definition, so the two cannot drift apart.
 */

// Control characters are rejected rather than stripped: silently changing evidence is worse than refusing it.
export const SINGLE_LINE = /^[^\u0000-\u001f\u007f-\u009f]*$/;
export const MULTI_LINE = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$/;

// A lone surrogate is not text: on its way to a CRM (UTF-8) it becomes U+FFFD, and the stored event
// would no longer match its hash. Refused here, where the caller can still fix it.
export const WELL_FORMED = /^(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

export const EVENT_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-7][0-9A-HJKMNP-TV-Z]{25})$/;
export const SHA256_HEX = /^[0-9a-f]{64}$/;
export const DIGEST = /^sha256:[0-9a-f]{64}$/;
export const SALT = /^[A-Za-z0-9_-]{16,64}$/;
export const IP_DIGEST = /^(sha256:[0-9a-f]{64}|hmac:[0-9a-f]{64})$/;
export const HTTP_URL = /^https?:\/\/[^\s]+$/i;
export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
export const PURPOSE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Parses the calendar fields itself: `Date` silently rolls 2023-02-30 over to March. */
export function isRealDateTime(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  if (year! < 1900 || year! > 2199 || month! < 1 || month! > 12 || hour! > 23 || minute! > 59 || (second ?? 0) > 59) return false;
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  if (day! < 1 || day! > daysInMonth) return false;
  return !Number.isNaN(new Date(value).getTime());
}

const STORED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A date-time the schema accepts, as the schema gives it back (`new Date(value).toISOString()`), or
 * undefined when refused. A stored event's dates are already in that form (UTC with milliseconds):
 * such a value is checked field by field and returned as it is, without the two `Date` parses.
 */
export function storedDateTime(value: string): string | undefined {
  if (value.length === 24 && STORED_INSTANT.test(value)) {
    const year = Number(value.slice(0, 4));
    const month = Number(value.slice(5, 7));
    const day = Number(value.slice(8, 10));
    const hour = Number(value.slice(11, 13));
    const minute = Number(value.slice(14, 16));
    const second = Number(value.slice(17, 19));
    if (year < 1900 || year > 2199 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    const daysInMonth = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
    return day >= 1 && day <= daysInMonth ? value : undefined;
  }
  return isRealDateTime(value) ? new Date(value).toISOString() : undefined;
}

// Locale tags repeat from event to event (fr, en...): remembered, within a bound, as the answer never changes.
const localeTagAnswers = new Map<string, boolean>();
const MAX_REMEMBERED_LOCALE_TAGS = 1024;

export function isLocaleTag(value: string): boolean {
  const known = localeTagAnswers.get(value);
  if (known !== undefined) return known;
  let answer: boolean;
  try {
    answer = Intl.getCanonicalLocales(value).length === 1;
  } catch {
    answer = false;
  }
  if (localeTagAnswers.size >= MAX_REMEMBERED_LOCALE_TAGS) localeTagAnswers.clear();
  localeTagAnswers.set(value, answer);
  return answer;
}

/** The members `checkTypeRules` looks at. */
export interface TypeRuleShape {
  type: string;
  purpose?: string | undefined;
  channel?: string | undefined;
  fields?: Array<{ name: string; value?: unknown }> | undefined;
  reason?: string | undefined;
}

/** Rules that depend on the event type; each broken rule is reported with its path and message. */
export function checkTypeRules(event: TypeRuleShape, report: (path: Array<string | number>, message: string) => void): void {
  const isConsent = event.type.startsWith('consent.');
  const isData = event.type.startsWith('data.');
  if (isConsent) {
    if (!event.purpose) report(['purpose'], `is required for ${event.type}`);
    if (!event.channel) report(['channel'], `is required for ${event.type}`);
  }
  if (isData) {
    if (!event.fields) {
      report(['fields'], `is required for ${event.type}`);
    } else {
      const names = new Set<string>();
      event.fields.forEach((field, index) => {
        if (names.has(field.name)) report(['fields', index, 'name'], `${field.name} appears twice in one event`);
        names.add(field.name);
        if (event.type !== 'data.erased' && field.value === undefined) {
          report(['fields', index, 'value'], `is required for ${event.type}`);
        }
      });
    }
  } else if (event.fields) {
    report(['fields'], `only data.* events carry fields, not ${event.type}`);
  }
  if (event.type === 'data.rectified' && !event.reason) {
    report(['reason'], 'is required for data.rectified (why the value was corrected)');
  }
}
