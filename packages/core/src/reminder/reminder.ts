import { ValidationError } from '../errors';
import { CHANNELS, type Channel, type LawfulBasis, type Source, type SourceKind } from '../model/event';
import { findConsent, hasProof, type ConsentState, type ProofStrength, type SubjectState } from '../state/subject-state';
import { escapeHtml, flattenWhitespace, htmlDataValue, textDataValue } from './html-escape';
import { BUILT_IN_REMINDER_LOCALES } from './locales/index';
import { assertTimeZone, formatReminderDate, lookupByLocale, resolveReminderLocale, type ResolvedReminderLocale } from './reminder-locale';
import { parseTemplate, placeholdersOf, renderTemplate, type TemplateRole, type TemplateToken } from './reminder-template-syntax';
import {
  TOUCHPOINTS,
  type ReminderLocaleTemplates,
  type ReminderSentenceTemplate,
  type ReminderSituation,
  type ReminderSituationKey,
  type ReminderTemplates,
  type Touchpoint,
} from './reminder-templates';

/** Languages with built-in wording. Regional tags use their language's wording (fr-CA → fr). */
export const SUPPORTED_REMINDER_LOCALES: readonly string[] = [...BUILT_IN_REMINDER_LOCALES.keys()];

/** What to remind the subject of, where, and in which language. */
export interface ReminderOptions {
  /** The consent's purpose, e.g. `newsletter`. */
  purpose: string;
  /**
   * The consent's channel. Defaults from the touchpoint: `postal` for `postal-mail`, `email` for the
   * others. A consent recorded for channel `any` matches every channel.
   */
  channel?: Channel;
  /** Where the sentence is shown; each touchpoint has its own wording. */
  touchpoint: Touchpoint;
  /**
   * BCP 47 tag: `fr`, `fr-CA`, `en-GB`, `en-US`… A regional tag uses its language's wording and its
   * own date format (bare `en` writes "19 September 2012", `en-US` "September 19, 2012").
   */
  locale: string;
  /** Used when `locale`'s language has no wording. Without it, such a locale is a `ValidationError` naming `locale`. */
  fallbackLocale?: string;
  /**
   * `text` (default) or `html`. HTML escapes every value that came from data (& < > " ') and wraps
   * each in `<bdi>`, so a right-to-left name or a U+202E override cannot reorder the sentence. The
   * result is a fragment: wrap it in an element with a `lang` attribute.
   */
  format?: 'text' | 'html';
  /** IANA time zone the date is given in (default `UTC`): 2012-09-19T23:30:00Z is 20 September in Europe/Paris. */
  timeZone?: string;
  /**
   * Purpose labels per locale, with the determiner the sentences expect:
   * `{ fr: { newsletter: 'la lettre Acme' }, en: { newsletter: 'the Acme letter' } }`.
   * Built in: `newsletter` and `offers`; any other purpose is named by its channel ("these emails").
   */
  purposeLabels?: Record<string, Record<string, string>>;
  /** Overrides of the built-in wording per locale and touchpoint; see `ReminderLocaleTemplates`. */
  templates?: ReminderTemplates;
}

/** A sentence that the trail backs, or the explicit absence of one. */
export type ReminderResult =
  | {
      kind: 'reminder';
      /** The sentence, plain text or an HTML fragment. */
      text: string;
      /** The BCP 47 tag it is written in: the requested one, or `fallbackLocale`. */
      locale: string;
      /** The lawful basis of the consent the sentence rests on. */
      basis: LawfulBasis;
      /** The event of the opt-in (or grant) the sentence cites. */
      consentEventId: string;
      strength: ProofStrength;
    }
  | {
      kind: 'no-traceable-consent';
      /**
       * `no-consent`: the trail has nothing for this purpose and channel; `withdrawn`: the subject
       * withdrew (an imported opt-in never revives it); `no-origin`: granted, but without the event
       * that granted it.
       */
      reason: 'no-consent' | 'withdrawn' | 'no-origin';
      locale: string;
      text?: undefined;
    };

const IMPORT_KINDS: ReadonlySet<SourceKind> = new Set(['import', 'partner']);

/**
 * The one honest sentence that reminds a subject why they receive a purpose's messages:
 * "You are receiving this newsletter because you subscribed on 19 September 2012 at Salon E-commerce Paris."
 *
 * Pure and synchronous; reads no clock. It never invents: with no consent, a withdrawn one or one
 * without its origin it returns `{ kind: 'no-traceable-consent' }`, and an import or partner list
 * without proof is worded as "your details were provided…", never "you subscribed".
 * Throws `ValidationError` for unknown touchpoints, locales, time zones and malformed templates.
 */
export function generateReminder(state: SubjectState, options: ReminderOptions): ReminderResult {
  validateOptions(options);
  const timeZone = options.timeZone ?? 'UTC';
  assertTimeZone(timeZone);
  const locale = resolveReminderLocale(options.locale, options.fallbackLocale, BUILT_IN_REMINDER_LOCALES, options.templates);
  const channel = options.channel ?? (options.touchpoint === 'postal-mail' ? 'postal' : 'email');

  const consent = findConsent(state, options.purpose, channel);
  if (!consent) return { kind: 'no-traceable-consent', reason: 'no-consent', locale: locale.tag };
  if (consent.status !== 'granted') return { kind: 'no-traceable-consent', reason: 'withdrawn', locale: locale.tag };
  const granted = consent.granted;
  if (!granted) return { kind: 'no-traceable-consent', reason: 'no-origin', locale: locale.tag };

  const source = granted.source;
  const situation = situationOf(consent);
  const kind: SourceKind = source.kind === 'import' && source.partner ? 'partner' : source.kind;
  const html = options.format === 'html';
  const data = (value: string | undefined) => dataValue(value, html);
  const label = (value: string) => (html ? escapeHtml(value) : value);

  const values: Record<string, string> = {
    purpose: label(purposeLabel(locale, options, consent.purpose, channel)),
    date: label(formatReminderDate(granted.at, locale, timeZone)),
    name: data(source.name),
    place: data(source.place),
    partner: data(source.partner ?? (source.kind === 'partner' ? source.name : undefined)),
    campaign: data(source.campaign),
    url: data(source.url),
  };
  // Reason and source phrase are looked up only when used, so an override need not supply them.
  const sentence = parsed(pickSentence(locale, options.touchpoint, situation, kind), 'sentence');
  const used = placeholdersOf(sentence);
  const reason = used.has('reason') ? parsed(pickReason(locale, situation, kind), 'reason') : undefined;
  if (used.has('source') || (reason && placeholdersOf(reason).has('source'))) {
    values.source = sourcePhrase(source, kind, locale, values, html);
  }
  if (reason) values.reason = renderTemplate(reason, values);
  const text = renderTemplate(sentence, values);

  return { kind: 'reminder', text, locale: locale.tag, basis: consent.lawfulBasis, consentEventId: granted.eventId, strength: consent.strength };
}

/** What the trail allows the sentence to claim (see `ReminderSituation`). */
function situationOf(consent: ConsentState): ReminderSituation {
  const granted = consent.granted!;
  if (IMPORT_KINDS.has(granted.source.kind) && !hasProof(granted.proof)) return 'provided';
  return consent.lawfulBasis === 'consent' ? 'subscribed' : 'relationship';
}

function validateOptions(options: ReminderOptions): void {
  const fail = (path: string, reason: string): never => {
    throw new ValidationError([{ path, reason }], 'generateReminder');
  };
  if (typeof options !== 'object' || options === null) fail('', 'options are required');
  if (typeof options.purpose !== 'string' || options.purpose.trim() === '') fail('purpose', 'must be a non-empty string such as newsletter');
  if (!TOUCHPOINTS.includes(options.touchpoint)) fail('touchpoint', `must be one of ${TOUCHPOINTS.join(', ')}`);
  if (options.channel !== undefined && !CHANNELS.includes(options.channel)) fail('channel', `must be one of ${CHANNELS.join(', ')}`);
  if (options.format !== undefined && options.format !== 'text' && options.format !== 'html') fail('format', 'must be text or html');
  if (options.timeZone !== undefined && (typeof options.timeZone !== 'string' || options.timeZone === '')) fail('timeZone', 'must be an IANA time zone such as Europe/Paris');
}

interface Picked {
  template: string;
  path: string;
}

function parsed(picked: Picked, role: TemplateRole): TemplateToken[] {
  return parseTemplate(picked.template, role, picked.path);
}

/** Template layers, most specific first: user templates along the locale chain, then the built-in wording. */
function layers(locale: ResolvedReminderLocale): Array<{ templates: ReminderLocaleTemplates; path: string }> {
  const result = locale.overrides.map((override) => ({ templates: override.templates, path: `templates.${override.tag}` }));
  if (locale.builtIn) result.push({ templates: locale.builtIn.templates, path: `built-in.${locale.builtIn.language}` });
  return result;
}

function situationKeys(situation: ReminderSituation, kind: SourceKind): ReminderSituationKey[] {
  return [`${situation}:${kind}`, situation];
}

function pickSentence(locale: ResolvedReminderLocale, touchpoint: Touchpoint, situation: ReminderSituation, kind: SourceKind): Picked {
  for (const layer of layers(locale)) {
    for (const key of [touchpoint, '*'] as const) {
      const found = fromSentenceTemplate(layer.templates[key], situation, kind);
      if (found) return { template: found.template, path: `${layer.path}.${key}${found.key ? `.${found.key}` : ''}` };
    }
  }
  return missing(locale, `templates.${locale.tag}.${touchpoint}`, `no sentence for the ${touchpoint} touchpoint`);
}

function fromSentenceTemplate(
  template: ReminderSentenceTemplate | undefined,
  situation: ReminderSituation,
  kind: SourceKind,
): { template: string; key?: string } | undefined {
  if (template === undefined) return undefined;
  if (typeof template === 'string') return { template };
  for (const key of [...situationKeys(situation, kind), 'default'] as const) {
    const found = template[key];
    if (typeof found === 'string') return { template: found, key };
  }
  return undefined;
}

function pickReason(locale: ResolvedReminderLocale, situation: ReminderSituation, kind: SourceKind): Picked {
  for (const layer of layers(locale)) {
    for (const key of situationKeys(situation, kind)) {
      const found = layer.templates.reasons?.[key];
      if (typeof found === 'string') return { template: found, path: `${layer.path}.reasons.${key}` };
    }
  }
  return missing(locale, `templates.${locale.tag}.reasons.${situation}`, `no reason clause for the ${situation} situation`);
}

/** A value from data, ready to insert; '' when there is none (or nothing printable in it). */
function dataValue(value: string | undefined, html: boolean): string {
  const flat = typeof value === 'string' ? flattenWhitespace(value) : '';
  if (flat === '') return '';
  return html ? htmlDataValue(flat) : textDataValue(flat);
}

/** The source's own phrase for the locale when it has one (data), else the neutral template for its kind. */
function sourcePhrase(source: Source, kind: SourceKind, locale: ResolvedReminderLocale, values: Record<string, string>, html: boolean): string {
  const own = dataValue(lookupByLocale(source.phrases, locale.chain), html);
  if (own !== '') return own;
  for (const layer of layers(locale)) {
    for (const key of [kind, 'other'] as const) {
      const found = layer.templates.sources?.[key];
      if (typeof found === 'string') return renderTemplate(parsed({ template: found, path: `${layer.path}.sources.${key}` }, 'source'), values);
    }
  }
  return missing(locale, `templates.${locale.tag}.sources.${kind}`, `no phrase for sources of kind ${kind}`);
}

function purposeLabel(locale: ResolvedReminderLocale, options: ReminderOptions, purpose: string, channel: Channel): string {
  const own = lookupByLocale(options.purposeLabels, locale.chain)?.[purpose];
  if (typeof own === 'string' && own.trim() !== '') return own;
  const builtIn = locale.builtIn?.purposes[purpose] ?? locale.builtIn?.channels[channel];
  if (builtIn !== undefined) return builtIn;
  return missing(locale, `purposeLabels.${locale.tag}.${purpose}`, `no label for purpose ${purpose}`);
}

function missing(locale: ResolvedReminderLocale, path: string, what: string): never {
  throw new ValidationError(
    [{ path, reason: `${what} in "${locale.tag}", and the language has no built-in wording (built in: ${SUPPORTED_REMINDER_LOCALES.join(', ')})` }],
    'generateReminder',
  );
}
