/**
 * Formatting shared by the rights reports (access report, audit summary): dates through `Intl`,
 * data values for plain text and for HTML. HTML escaping itself is the reminder generator's
 * (../reminder/html-escape.ts); this file only adds what a multi-line report needs on top of it.
 */
import { ValidationError } from '../errors';
import { isRedacted, type FieldValue, type RedactedValue } from '../model/event';
import { balanceIsolates, escapeHtml, htmlDataValue, textDataValue } from '../reminder/html-escape';

/** Languages the rights reports are written in. */
export type ReportLocale = 'fr' | 'en';
export const REPORT_LOCALES: readonly ReportLocale[] = ['fr', 'en'];

/** Which output a renderer is producing: values are escaped for HTML, isolated for text. */
export type RenderMode = 'text' | 'html';

// The regional forms that read most naturally for a person: "19 septembre 2012", "19 September 2012".
const INTL_LOCALE: Record<ReportLocale, string> = { fr: 'fr-FR', en: 'en-GB' };

export function checkReportLocale(locale: unknown): ReportLocale {
  if (!REPORT_LOCALES.includes(locale as ReportLocale)) {
    throw new ValidationError([{ path: 'locale', reason: `must be one of ${REPORT_LOCALES.join(', ')}` }]);
  }
  return locale as ReportLocale;
}

/**
 * A date-time formatter for a locale and IANA time zone ("19 September 2012 at 11:30 CEST");
 * `day` drops the time ("19 September 2012"). An unknown zone is a `ValidationError`.
 */
export function createDateFormatter(locale: ReportLocale, timeZone = 'UTC', precision: 'minute' | 'day' = 'minute'): (iso: string) => string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      ...(precision === 'minute' ? { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' } : {}),
      timeZone,
    });
  } catch {
    throw new ValidationError([{ path: 'timeZone', reason: 'must be an IANA time zone such as Europe/Paris or UTC' }]);
  }
  return (iso) => {
    const date = new Date(iso);
    // A malformed date in a trail that does not verify is shown as it is rather than crashing the report.
    return Number.isNaN(date.getTime()) ? iso : format.format(date);
  };
}

export function createNumberFormatter(locale: ReportLocale, style: 'decimal' | 'percent' = 'decimal'): (value: number) => string {
  const format = new Intl.NumberFormat(INTL_LOCALE[locale], style === 'percent' ? { style, maximumFractionDigits: 1 } : {});
  return (value) => format.format(value);
}

/** Control characters other than tab and newline: never printed. */
const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * A one-line data value for HTML: flattened, its isolates balanced, escaped, inside `<bdi>` so a
 * right-to-left value or an override (U+202E) cannot reorder the text around it. (The reminder's.)
 */
export const htmlInline: (value: string) => string = htmlDataValue;

/** A multi-line data value (wording shown, a reason) for HTML: line breaks kept by CSS `pre-wrap`. */
export function htmlBlock(value: string): string {
  const clean = value.replace(/\r\n?/g, '\n').replace(CONTROL_EXCEPT_LINE_BREAKS, '').trim();
  return `<bdi class="block">${escapeHtml(balanceIsolates(clean))}</bdi>`;
}

/** A one-line data value for plain text, in Unicode isolates when it could flip the line's direction. (The reminder's.) */
export const textInline: (value: string) => string = textDataValue;

/** A multi-line data value for plain text: every line isolated on its own and indented. */
export function textBlock(value: string, indent: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL_EXCEPT_LINE_BREAKS, '')
    .trim()
    .split('\n')
    .map((line) => `${indent}${textInline(line)}`)
    .join('\n');
}

/** A data value in the chosen mode (one line). */
export function dataValue(value: string, mode: RenderMode): string {
  return mode === 'html' ? htmlInline(value) : textInline(value);
}

/** A trusted label in the chosen mode: escaped for HTML (French apostrophes, ampersands), as is for text. */
export function labelValue(value: string, mode: RenderMode): string {
  return mode === 'html' ? escapeHtml(value) : value;
}

/**
 * Fills `{name}` placeholders of a trusted template with values already rendered for the mode.
 * In HTML the template's own text is escaped; the values are inserted as they are.
 */
export function fillTemplate(template: string, values: Record<string, string>, mode: RenderMode): string {
  const parts = template.split(/(\{[a-zA-Z]+\})/);
  return parts
    .map((part) => {
      const match = /^\{([a-zA-Z]+)\}$/.exec(part);
      if (match) return values[match[1]!] ?? '';
      return labelValue(part, mode);
    })
    .join('');
}

/** Words for the values a field can hold that are not plain text. */
export interface ValueWords {
  erased: string;
  empty: string;
  yes: string;
  no: string;
}

/** A field value rendered for a person: text, numbers as written, yes/no, empty, or the erased marker. */
export function renderFieldValue(value: FieldValue | RedactedValue | undefined, words: ValueWords, mode: RenderMode): string {
  if (value === undefined || isRedacted(value)) return labelValue(words.erased, mode);
  if (value === null || value === '') return labelValue(words.empty, mode);
  if (typeof value === 'boolean') return labelValue(value ? words.yes : words.no, mode);
  if (typeof value === 'number') return dataValue(String(value), mode);
  if (typeof value === 'string') return dataValue(value, mode);
  // A trail that does not verify may hold anything; show it rather than hide it.
  return dataValue(JSON.stringify(value) ?? '', mode);
}

/** A string that may have been redacted in the trail (an IP address, a user agent). */
export function renderPersonalString(value: string | RedactedValue | undefined, words: ValueWords, mode: RenderMode): string {
  if (value === undefined || isRedacted(value)) return labelValue(words.erased, mode);
  return dataValue(String(value), mode);
}
