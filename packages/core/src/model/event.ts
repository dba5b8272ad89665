/**
 * The provenance model: an event is one immutable fact about one person (the subject).
 * A trail is a subject's events in the order they were recorded, hash-chained.
 */

/** What happened. */
export type EventType =
  /** Personal data was collected for the first time (fields carry the values). */
  | 'data.collected'
  /** A field changed (fields carry old and new values). */
  | 'data.updated'
  /** A field was corrected on the subject's request (GDPR Art. 16); `reason` says why. */
  | 'data.rectified'
  /** Field values were erased (GDPR Art. 17); the names stay, the values are redacted. */
  | 'data.erased'
  /** The subject opted in to a purpose on a channel. */
  | 'consent.given'
  /** The subject confirmed an earlier opt-in (double opt-in). */
  | 'consent.confirmed'
  /** The subject renewed an existing consent (re-permission). */
  | 'consent.renewed'
  /** The subject withdrew consent (unsubscribe). Never undone by an older or imported event. */
  | 'consent.withdrawn'
  /** The subject asked what is held about them (GDPR Art. 15). */
  | 'subject.access-requested'
  /** The subject asked for erasure (GDPR Art. 17). */
  | 'subject.erasure-requested'
  /** Processing of the subject's data is restricted (GDPR Art. 18). */
  | 'processing.restricted';

export const EVENT_TYPES: readonly EventType[] = [
  'data.collected',
  'data.updated',
  'data.rectified',
  'data.erased',
  'consent.given',
  'consent.confirmed',
  'consent.renewed',
  'consent.withdrawn',
  'subject.access-requested',
  'subject.erasure-requested',
  'processing.restricted',
];

/** Where a piece of data or a consent came from. */
export type SourceKind =
  /** A trade show, conference or other physical event ("Salon E-commerce Paris"). */
  | 'event'
  /** A form on a website. */
  | 'web-form'
  /** A file imported into the CRM. */
  | 'import'
  /** A purchase (customer relationship; often legitimate interest rather than consent). */
  | 'purchase'
  /** A paper form or coupon. */
  | 'paper-form'
  /** A phone call. */
  | 'phone'
  /** An API integration. */
  | 'api'
  /** A staff member editing the record in the CRM. */
  | 'crm-user'
  /** A workflow or automation inside the CRM. */
  | 'crm-automation'
  /** Data received from a partner (co-registration, list rental...). */
  | 'partner'
  /** The subject acting directly (preference centre, unsubscribe link, email reply). */
  | 'subject'
  | 'other';

export const SOURCE_KINDS: readonly SourceKind[] = [
  'event',
  'web-form',
  'import',
  'purchase',
  'paper-form',
  'phone',
  'api',
  'crm-user',
  'crm-automation',
  'partner',
  'subject',
  'other',
];

/** Where a piece of data or a consent came from, as a person would name it. */
export interface Source {
  kind: SourceKind;
  /** The name a subject would recognise: "Salon E-commerce Paris", "Newsletter form on example.com". */
  name: string;
  /** Where it took place, e.g. "Paris, Porte de Versailles". */
  place?: string;
  /** The page or resource, e.g. the form's URL. */
  url?: string;
  /** The campaign it belongs to. */
  campaign?: string;
  /** The partner that passed the data on (for `partner` and some `import` sources). */
  partner?: string;
  /**
   * Phrases per locale for grammar a template cannot guess, keyed by BCP 47 tag:
   * `{ fr: 'lors du Salon E-commerce Paris', en: 'at Salon E-commerce Paris' }`.
   * When present, the reminder uses the phrase as it is instead of a neutral construction.
   */
  phrases?: Record<string, string>;
}

/** Channels a consent applies to. */
export type Channel = 'email' | 'sms' | 'phone' | 'postal' | 'push' | 'messaging' | 'any';
export const CHANNELS: readonly Channel[] = ['email', 'sms', 'phone', 'postal', 'push', 'messaging', 'any'];

/** GDPR Art. 6(1) lawful bases, named plainly. */
export type LawfulBasis =
  | 'consent'
  | 'contract'
  | 'legal-obligation'
  | 'vital-interests'
  | 'public-task'
  | 'legitimate-interests';
export const LAWFUL_BASES: readonly LawfulBasis[] = [
  'consent',
  'contract',
  'legal-obligation',
  'vital-interests',
  'public-task',
  'legitimate-interests',
];

/** A field value as CRMs hold it. */
export type FieldValue = string | number | boolean | null;

/**
 * A value removed from an event after the fact (erasure, or a rectified old value that had to go).
 * `digest` is the salted hash the chain was built over, so the trail still verifies without the value.
 */
export interface RedactedValue {
  redacted: true;
  digest: string;
}

/** One field touched by a data event. */
export interface FieldChange {
  /** The field's neutral name, e.g. `email`, `firstName`, `city`. */
  name: string;
  /** The value after the event; omitted for `data.erased`. */
  value?: FieldValue | RedactedValue;
  /** The value before the event, when it is known (`data.updated`, `data.rectified`). */
  previousValue?: FieldValue | RedactedValue;
}

/** Who caused the event. */
export interface Actor {
  kind: 'subject' | 'staff' | 'system' | 'integration';
  /** A stable id (staff user id, integration name). Not the subject's own data. */
  id?: string;
  /** A display name, e.g. the staff member's name. */
  name?: string;
}

/** Double opt-in confirmation details. */
export interface DoubleOptInProof {
  /** When the subject confirmed (ISO 8601, UTC). */
  confirmedAt: string;
  /** How: a link in an email, a code sent by SMS... */
  method?: 'email-link' | 'sms-code' | 'other';
  /** IP address the confirmation came from. */
  ip?: string | RedactedValue;
}

/** What shows that the event happened. */
export interface Proof {
  /** IP address of the request (may be stored hashed or truncated by option). */
  ip?: string | RedactedValue;
  /** Browser user agent. */
  userAgent?: string | RedactedValue;
  /** URL of the form that collected the data or the consent. */
  formUrl?: string;
  /** Version of that form (so the exact wording can be found again). */
  formVersion?: string;
  /** The exact wording shown to the subject. */
  wording?: string;
  /** SHA-256 (hex) of the wording, when the wording itself is kept elsewhere. */
  wordingHash?: string;
  /** Double opt-in confirmation. */
  doubleOptIn?: DoubleOptInProof;
  /** A reference to a document: scanned paper form, call recording id, contract number. */
  documentRef?: string;
}

/** An event as a caller records it. `id` is generated when omitted. */
export interface ProvenanceEventInput {
  /** Unique and sortable (UUIDv7). Also the idempotency key in every CRM. Generated when omitted. */
  id?: string;
  /** The subject: a normalised email address (lower case, trimmed). */
  subject: string;
  /** When it happened (ISO 8601; stored in UTC with milliseconds). */
  at: string;
  type: EventType;
  source: Source;
  /** For consent events: what the consent is for, e.g. `newsletter`, `offers`, `partners`. */
  purpose?: string;
  /** For consent events: the channel, e.g. `email`. */
  channel?: Channel;
  /** The lawful basis for processing. Consent events default to `consent`. */
  lawfulBasis?: LawfulBasis;
  /** For data events: the fields touched. */
  fields?: FieldChange[];
  actor?: Actor;
  proof?: Proof;
  /** Free-text reason (rectification, withdrawal, restriction). */
  reason?: string;
}

/** An event once it is in a trail: normalised, salted and chained. */
export interface ProvenanceEvent extends Omit<ProvenanceEventInput, 'id' | 'subject'> {
  id: string;
  /** The subject, or its redaction once the subject is erased. */
  subject: string | RedactedValue;
  /**
   * Random value mixed into the digests of personal values, so a redacted value cannot be
   * recovered by hashing guesses. Removed when every personal value of the event is redacted.
   */
  salt?: string;
  /** Hash of the previous event in the trail; `null` for the first. */
  prev: string | null;
  /** SHA-256 (hex) over the canonical JSON of this event's commitment form (see trail/hash-chain.ts). */
  hash: string;
}

/** A subject's events in recorded order. */
export interface Trail {
  /** The subject's normalised email. */
  subject: string;
  events: ProvenanceEvent[];
}

export function isRedacted(value: unknown): value is RedactedValue {
  return typeof value === 'object' && value !== null && (value as RedactedValue).redacted === true && typeof (value as RedactedValue).digest === 'string';
}
