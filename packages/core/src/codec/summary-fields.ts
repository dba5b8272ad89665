import { ValidationError, type ValidationIssue } from '../errors';
import { CHANNELS, LAWFUL_BASES, type Channel, type LawfulBasis, type ProvenanceEvent, type Trail } from '../model/event';
import { generateReminder } from '../reminder/reminder';
import { findConsent, foldTrail, type ConsentState, type ProofStrength, type SubjectState } from '../state/subject-state';
import { describeProof, describeSource, formatDay, words } from './event-description';
import { decodeTrail, encodeTrail, type DecodedTrail } from './trail-encoding';
import { truncateUtf8, utf8ByteLength } from './utf8-budget';

/**
 * CRM-neutral summary fields: what a person reading the contact record in the CRM needs at a glance,
 * plus the anchors `pull` verifies against. Each adapter maps these keys to its own field names
 * (HubSpot properties, Mailchimp merge tags, Salesforce custom fields) and creates them from
 * `SUMMARY_FIELDS` (label, description, default budget).
 */
export const SUMMARY_FIELD_KEYS = [
  'consentStatus',
  'consentPurpose',
  'consentChannel',
  'consentSince',
  'consentSource',
  'consentProof',
  'consentStrength',
  'dataSources',
  'reminderFr',
  'reminderEn',
  'trailHead',
  'trailLength',
  'trailEncoded',
  'consentLawfulBasis',
] as const;

export type SummaryFieldKey = (typeof SUMMARY_FIELD_KEYS)[number];

/** One summary field as an adapter declares it in the CRM. */
export interface SummaryFieldSpec {
  key: SummaryFieldKey;
  /** Budget in bytes of UTF-8; values are cut to fit it. 255 by default (a Mailchimp text merge field). */
  maxBytes: number;
  /** A label for the CRM field, e.g. "Consent status". */
  label: string;
  /** What the field holds, for the CRM field's description. */
  description: string;
  /**
   * `machine` values are never cut (a cut hash or date would lie): one that does not fit is left empty.
   * `text` values are cut on a character boundary with an ellipsis. `encoded` values fit themselves.
   */
  kind: 'machine' | 'text' | 'encoded';
}

export const DEFAULT_SUMMARY_FIELD_MAX_BYTES = 255;

const spec = (key: SummaryFieldKey, kind: SummaryFieldSpec['kind'], label: string, description: string): SummaryFieldSpec => ({
  key,
  maxBytes: DEFAULT_SUMMARY_FIELD_MAX_BYTES,
  label,
  description,
  kind,
});

/** Every summary field with its default budget, label and description. */
export const SUMMARY_FIELDS: readonly SummaryFieldSpec[] = [
  spec('consentStatus', 'machine', 'Consent status', 'granted, withdrawn or none (no traceable consent) for the purpose and channel below.'),
  spec('consentPurpose', 'machine', 'Consent purpose', 'What the consent is for, e.g. newsletter.'),
  spec('consentChannel', 'machine', 'Consent channel', 'The channel the consent applies to, e.g. email.'),
  spec('consentSince', 'machine', 'Consent since', 'The day the current status began (YYYY-MM-DD).'),
  spec('consentSource', 'text', 'Consent source', 'Where the consent (or the withdrawal) came from, e.g. "event: Salon E-commerce Paris".'),
  spec('consentProof', 'text', 'Consent proof', 'What proves it, e.g. "double opt-in; IP 192.0.2.1; form v3".'),
  spec('consentStrength', 'machine', 'Consent proof strength', 'double opt-in, single opt-in (with proof) or no proof.'),
  spec('dataSources', 'text', 'Data sources', 'Where each piece of personal data held came from, and when.'),
  spec('reminderFr', 'text', 'Reminder (French)', 'Ready-to-merge sentence reminding the person why they receive this, in French.'),
  spec('reminderEn', 'text', 'Reminder (English)', 'Ready-to-merge sentence reminding the person why they receive this, in English.'),
  spec('trailHead', 'machine', 'Provenance trail head', 'SHA-256 of the latest provenance event: the anchor the trail is verified against.'),
  spec('trailLength', 'machine', 'Provenance trail length', 'Number of provenance events recorded.'),
  spec('trailEncoded', 'encoded', 'Provenance trail (encoded)', 'The provenance trail, compressed (ot1:...); only its latest events when the field is too small.'),
  spec('consentLawfulBasis', 'machine', 'Lawful basis', 'The lawful basis of the processing, e.g. consent.'),
];

const SPEC_BY_KEY = new Map(SUMMARY_FIELDS.map((field) => [field.key, field]));

export type ReminderLocale = 'fr' | 'en';

/** Context handed to the reminder callback. */
export interface SummaryReminderContext {
  purpose: string;
  channel: Channel;
  timeZone: string;
}

/** Produces the ready-to-merge reminder sentence, or undefined when there is none (no traceable consent). */
export type SummaryReminder = (state: SubjectState, locale: ReminderLocale, context: SummaryReminderContext) => string | undefined;

/** The default reminder: `generateReminder` for the email footer, as plain text; nothing without traceable consent. */
export const emailFooterReminder: SummaryReminder = (state, locale, context) => {
  const result = generateReminder(state, { purpose: context.purpose, channel: context.channel, touchpoint: 'email-footer', locale, format: 'text', timeZone: context.timeZone });
  return result.kind === 'reminder' ? result.text : undefined;
};

export interface EncodeSummaryOptions<Key extends SummaryFieldKey = SummaryFieldKey> {
  /** The purpose the consent fields describe, e.g. `newsletter`. */
  purpose: string;
  /** The channel, default `email`. */
  channel?: Channel;
  /** Which fields to produce, default all of `SUMMARY_FIELD_KEYS`. */
  fields?: readonly Key[];
  /** Budgets in bytes of UTF-8, per field; default 255 each. */
  maxBytes?: Partial<Record<SummaryFieldKey, number>>;
  /**
   * Fills `reminderFr` and `reminderEn`. Default `emailFooterReminder` (the email-footer sentence of
   * `generateReminder`); the fields stay empty when it returns undefined (no traceable consent).
   */
  reminder?: SummaryReminder;
  /** Time zone of the days shown (`consentSince`, `dataSources`). Default `UTC`. */
  timeZone?: string;
}

/** Human wording of each proof strength, as the `consentStrength` field holds it. */
export const PROOF_STRENGTH_LABELS: Record<ProofStrength, string> = {
  'double-opt-in': 'double opt-in',
  'single-opt-in': 'single opt-in',
  'no-proof': 'no proof',
};

/**
 * The summary field values of a trail for one purpose and channel, each within its byte budget.
 * Empty strings stand for "nothing to say" (no consent, no reminder, a machine value that does not fit).
 */
export function encodeSummaryFields<Key extends SummaryFieldKey = SummaryFieldKey>(trail: Trail, options: EncodeSummaryOptions<Key>): Record<Key, string> {
  const channel = options.channel ?? 'email';
  const timeZone = options.timeZone ?? 'UTC';
  const keys = (options.fields ?? SUMMARY_FIELD_KEYS) as readonly Key[];
  const state = foldTrail(trail);
  const consent = findConsent(state, options.purpose, channel);
  const budget = (key: SummaryFieldKey) => options.maxBytes?.[key] ?? DEFAULT_SUMMARY_FIELD_MAX_BYTES;
  const context: SummaryReminderContext = { purpose: options.purpose, channel, timeZone };
  const reminder = options.reminder ?? emailFooterReminder;

  const produce = (key: SummaryFieldKey): string => {
    switch (key) {
      case 'consentStatus':
        return consent?.status ?? 'none';
      case 'consentPurpose':
        return options.purpose;
      case 'consentChannel':
        return consent?.channel ?? channel;
      case 'consentSince':
        return consent ? formatDay(consent.since, timeZone) : '';
      case 'consentSource':
        return consent ? describeSource(currentOrigin(consent).source) : '';
      case 'consentProof':
        return consent ? consentProof(consent, trail.events) : '';
      case 'consentStrength':
        return consent?.status === 'granted' ? PROOF_STRENGTH_LABELS[consent.strength] : '';
      case 'consentLawfulBasis':
        return consent?.lawfulBasis ?? '';
      case 'dataSources':
        return dataSources(state, timeZone);
      case 'reminderFr':
        return reminder(state, 'fr', context) ?? '';
      case 'reminderEn':
        return reminder(state, 'en', context) ?? '';
      case 'trailHead':
        return state.head ?? '';
      case 'trailLength':
        return String(state.eventCount);
      case 'trailEncoded':
        return encodeTrail(trail, { maxBytes: budget('trailEncoded') }).value;
    }
  };

  const values = {} as Record<Key, string>;
  for (const key of keys) {
    const field = SPEC_BY_KEY.get(key);
    if (!field) throw new ValidationError([{ path: `fields`, reason: `${String(key)} is not a summary field (see SUMMARY_FIELD_KEYS)` }], 'Cannot encode summary fields');
    values[key] = fit(produce(key), budget(key), field.kind);
  }
  return values;
}

function fit(value: string, maxBytes: number, kind: SummaryFieldSpec['kind']): string {
  if (kind === 'text') return truncateUtf8(value, maxBytes);
  return utf8ByteLength(value) <= maxBytes ? value : '';
}

/** The origin of the current status: the opt-in while granted, the opt-out once withdrawn. */
function currentOrigin(consent: ConsentState) {
  return (consent.status === 'withdrawn' ? consent.withdrawn : consent.granted) ?? consent.history.at(-1)!;
}

function consentProof(consent: ConsentState, events: readonly ProvenanceEvent[]): string {
  const w = words('en');
  if (consent.status === 'withdrawn') {
    const withdrawal = events.find((event) => event.id === consent.withdrawn?.eventId);
    const parts = describeProof(withdrawal?.proof, { locale: 'en' });
    if (consent.withdrawn?.reason) parts.push(`reason: ${consent.withdrawn.reason}`);
    return parts.join(w.separator);
  }
  const parts = describeProof(consent.granted?.proof, { locale: 'en', confirmed: consent.confirmed !== undefined && consent.strength === 'double-opt-in' });
  // The confirmation's own evidence (e.g. the IP the link was clicked from) when the opt-in had none.
  if (consent.confirmed?.proof && consent.confirmed.eventId !== consent.granted?.eventId) {
    for (const part of describeProof(consent.confirmed.proof, { locale: 'en' })) if (!parts.includes(part)) parts.push(part);
  }
  return parts.length > 0 ? parts.join(w.separator) : w.none;
}

/** "event: Salon E-commerce Paris (Paris), 2012-09-19 (firstName, city); CRM user: Jane, 2015-03-02 (phone)" */
function dataSources(state: SubjectState, timeZone: string): string {
  const groups = new Map<string, { at: string; text: string; names: string[] }>();
  for (const field of Object.values(state.fields)) {
    if (field.erased || field.value === undefined) continue;
    const origin = field.origin;
    const group = groups.get(origin.eventId) ?? { at: origin.at, text: `${describeSource(origin.source)}, ${formatDay(origin.at, timeZone)}`, names: [] };
    group.names.push(field.name);
    groups.set(origin.eventId, group);
  }
  return [...groups.values()]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((group) => `${group.text} (${group.names.join(', ')})`)
    .join('; ');
}

/** What `decodeSummaryFields` reads back. Absent or empty fields are left out. */
export interface DecodedSummary {
  /** `none` means no traceable consent for the purpose and channel. */
  status?: 'granted' | 'withdrawn' | 'none';
  purpose?: string;
  channel?: Channel;
  /** YYYY-MM-DD. */
  since?: string;
  /** As written (possibly cut with an ellipsis). */
  source?: string;
  proof?: string;
  strength?: ProofStrength;
  lawfulBasis?: LawfulBasis;
  dataSources?: string;
  reminders: Partial<Record<ReminderLocale, string>>;
  /** The head hash to verify the trail against; null when none is recorded (or the trail is empty). */
  trailHead: string | null;
  /** The number of events recorded. */
  trailLength?: number;
  /** What `trailEncoded` holds, complete or not. */
  encodedTrail?: DecodedTrail;
  /** The whole trail, when `trailEncoded` holds all of it. Verify it with `verifyTrail` and `trailHead`. */
  trail?: Trail;
}

/**
 * Reads summary field values back (keys as in `SUMMARY_FIELD_KEYS`, values as the CRM returns them).
 * Throws `ValidationError` naming the field when a value cannot be what OptinTrail wrote.
 */
export function decodeSummaryFields(values: Partial<Record<SummaryFieldKey, string | null>>): DecodedSummary {
  const issues: ValidationIssue[] = [];
  const read = (key: SummaryFieldKey): string | undefined => {
    const value = values[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      issues.push({ path: key, reason: 'must be a string' });
      return undefined;
    }
    const trimmed = value.trim();
    return trimmed.length > 0 ? trimmed : undefined;
  };
  const oneOf = <T extends string>(key: SummaryFieldKey, allowed: readonly T[], normalize: (value: string) => string = (value) => value.toLowerCase()): T | undefined => {
    const value = read(key);
    if (value === undefined) return undefined;
    const normalized = normalize(value) as T;
    if (allowed.includes(normalized)) return normalized;
    issues.push({ path: key, reason: `must be one of ${allowed.join(', ')}` });
    return undefined;
  };

  const result: DecodedSummary = { reminders: {}, trailHead: null };
  const status = oneOf('consentStatus', ['granted', 'withdrawn', 'none'] as const);
  if (status) result.status = status;
  const purpose = read('consentPurpose');
  if (purpose) result.purpose = purpose;
  const channel = oneOf('consentChannel', CHANNELS);
  if (channel) result.channel = channel;
  const since = read('consentSince');
  if (since !== undefined) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(since)) result.since = since;
    else issues.push({ path: 'consentSince', reason: 'must be a day as YYYY-MM-DD' });
  }
  const source = read('consentSource');
  if (source) result.source = source;
  const proof = read('consentProof');
  if (proof) result.proof = proof;
  const strengthLabels = Object.entries(PROOF_STRENGTH_LABELS) as Array<[ProofStrength, string]>;
  const strength = oneOf('consentStrength', Object.keys(PROOF_STRENGTH_LABELS) as ProofStrength[], (value) => {
    const lower = value.toLowerCase();
    return strengthLabels.find(([, label]) => label === lower)?.[0] ?? lower;
  });
  if (strength) result.strength = strength;
  const lawfulBasis = oneOf('consentLawfulBasis', LAWFUL_BASES);
  if (lawfulBasis) result.lawfulBasis = lawfulBasis;
  const sources = read('dataSources');
  if (sources) result.dataSources = sources;
  const reminderFr = read('reminderFr');
  if (reminderFr) result.reminders.fr = reminderFr;
  const reminderEn = read('reminderEn');
  if (reminderEn) result.reminders.en = reminderEn;

  const head = read('trailHead');
  if (head !== undefined) {
    if (/^[0-9a-f]{64}$/i.test(head)) result.trailHead = head.toLowerCase();
    else issues.push({ path: 'trailHead', reason: 'must be a SHA-256 in hex (64 characters)' });
  }
  const length = read('trailLength');
  if (length !== undefined) {
    if (/^\d{1,15}$/.test(length)) result.trailLength = Number(length);
    else issues.push({ path: 'trailLength', reason: 'must be a whole number' });
  }
  const encoded = read('trailEncoded');
  if (encoded !== undefined) {
    try {
      result.encodedTrail = decodeTrail(encoded);
      if (result.encodedTrail.complete) result.trail = result.encodedTrail.trail;
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error;
      issues.push(...error.issues.map((issue) => ({ path: issue.path ? `trailEncoded.${issue.path}` : 'trailEncoded', reason: issue.reason })));
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, 'Invalid summary fields');
  return result;
}
