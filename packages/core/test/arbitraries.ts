/**
 * fast-check arbitraries for the provenance model, shared by every property test.
 *
 * They generate *valid* inputs (the schema accepts every one of them) that reach into the corners:
 * Unicode, emoji and right-to-left text, multi-line values, every event type with the members its
 * rules require, proofs with IPv4/IPv6 and double opt-in, explicit UUID/ULID ids, and trails built with
 * `buildTrail` from seeded random bytes (reproducible ids and salts), plus their redacted forms.
 */
import fc from 'fast-check';
import { z } from 'zod';
import {
  buildTrail,
  CHANNELS,
  LAWFUL_BASES,
  redactFields,
  redactTrail,
  SOURCE_KINDS,
  type Actor,
  type Channel,
  type EventType,
  type FieldChange,
  type FieldValue,
  type LawfulBasis,
  type Proof,
  type ProvenanceEventInput,
  type RandomBytes,
  type Source,
  type SourceKind,
  type Trail,
} from '../src/index';

const CONTROL_SINGLE_LINE = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_MULTI_LINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isWellFormed = (text: string) => !LONE_SURROGATE.test(text);

/** Text a subject or a staff member could really type: scripts, emoji sequences, RTL, combining marks. */
export const UNICODE_SAMPLES = [
  'Salon E-commerce Paris',
  'Foire de Lyon 🎪',
  'Café Zürich — Kaffee & Kuchen',
  'معرض الرياض للكتاب',
  'יריד תל אביב',
  'מבצע \u200fקיץ\u200f 2024',
  '東京ビッグサイト展示会',
  '서울 박람회',
  'Ελληνική έκθεση',
  'Выставка в Москве',
  'e\u0301te\u0301 a\u0300 Mars',
  '👩‍👩‍👧‍👦 Famille 🇫🇷🇩🇪',
  '🏳️‍🌈 Pride Market',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛',
  'Zalgo t̷̛e̵͝x̶t̴',
  'ॐ नमस्ते मेला',
  'A'.repeat(150),
];

const graphemeText = (maxLength: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength });

/** A non-empty single line (what `nonEmptyLine(max)` accepts once trimmed). */
export function singleLineArbitrary(max: number): fc.Arbitrary<string> {
  return fc
    .oneof(fc.constantFrom(...UNICODE_SAMPLES), graphemeText(Math.min(max, 40)), fc.string({ minLength: 1, maxLength: Math.min(max, 30) }))
    .map((text) => text.slice(0, max))
    .filter((text) => !CONTROL_SINGLE_LINE.test(text) && text.trim().length > 0 && isWellFormed(text));
}

/** Multi-line text (tabs and newlines allowed). */
export function multiLineArbitrary(max: number): fc.Arbitrary<string> {
  const line = fc.oneof(fc.constantFrom(...UNICODE_SAMPLES), graphemeText(30), fc.constant(''));
  return fc
    .array(line, { minLength: 1, maxLength: 4 })
    .chain((lines) => fc.constantFrom('\n', '\r\n', '\t').map((separator) => lines.join(separator)))
    .map((text) => text.slice(0, max))
    .filter((text) => !CONTROL_MULTI_LINE.test(text) && isWellFormed(text));
}

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);

/** A normalised (lower-case) email address the schema accepts. */
export const emailArbitrary: fc.Arbitrary<string> = fc
  .tuple(fc.stringMatching(/^[a-z0-9](?:[a-z0-9._+'-]{0,18}[a-z0-9])?$/), fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,6}$/))
  .map(([local, labels, tld]) => `${local}@${labels.join('.')}.${tld}`)
  .filter((email) => !email.includes('..') && email.length <= 254 && z.email().safeParse(email).success);

/** An instant between 1990 and 2100, as callers write it (with or without milliseconds, Z or an offset). */
export const instantArbitrary: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.constantFrom('ms', 'seconds', 'offset'))
  .map(([time, style]) => {
    const iso = new Date(time).toISOString();
    if (style === 'ms') return iso;
    if (style === 'seconds') return `${iso.slice(0, 19)}Z`;
    // The same instant written two hours ahead.
    return `${new Date(time + 2 * 3600_000).toISOString().slice(0, 23)}+02:00`;
  });

const urlArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true, withFragments: true }),
  fc.constantFrom('https://exemple.fr/inscription?évènement=salon&lang=fr', 'https://例え.jp/登録', 'http://192.0.2.10:8080/form'),
).filter((url) => url.length <= 2048 && /^https?:\/\/[^\s]+$/i.test(url) && !CONTROL_SINGLE_LINE.test(url));

const localeArbitrary = fc.constantFrom('fr', 'en', 'de', 'en-GB', 'pt-BR', 'ar', 'he', 'ja');

export const sourceArbitrary: fc.Arbitrary<Source> = fc.record(
  {
    kind: fc.constantFrom<SourceKind>(...SOURCE_KINDS),
    name: singleLineArbitrary(200),
    place: singleLineArbitrary(200),
    url: urlArbitrary,
    campaign: singleLineArbitrary(200),
    partner: singleLineArbitrary(200),
    phrases: fc.dictionary(localeArbitrary, singleLineArbitrary(300), { minKeys: 1, maxKeys: 3 }),
  },
  { requiredKeys: ['kind', 'name'] },
);

const ipArbitrary: fc.Arbitrary<string> = fc.oneof(fc.ipV4(), fc.ipV6().filter((ip) => z.ipv6().safeParse(ip).success));
const hexArbitrary = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((value) => Buffer.from(value).toString('hex'));

export const proofArbitrary: fc.Arbitrary<Proof> = fc.record(
  {
    ip: ipArbitrary,
    userAgent: fc.oneof(
      fc.constant('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'),
      singleLineArbitrary(1000),
    ),
    formUrl: urlArbitrary,
    formVersion: singleLineArbitrary(100),
    wording: multiLineArbitrary(10_000),
    wordingHash: hexArbitrary(32),
    doubleOptIn: fc.record(
      { confirmedAt: instantArbitrary, method: fc.constantFrom('email-link', 'sms-code', 'other'), ip: ipArbitrary },
      { requiredKeys: ['confirmedAt'] },
    ),
    documentRef: singleLineArbitrary(500),
  },
  { requiredKeys: [] },
);

export const actorArbitrary: fc.Arbitrary<Actor> = fc.record(
  { kind: fc.constantFrom('subject', 'staff', 'system', 'integration'), id: singleLineArbitrary(200), name: singleLineArbitrary(200) },
  { requiredKeys: ['kind'] },
);

/** A field value; -0 is left out because every JSON form (hence every CRM) stores it as 0. */
export const fieldValueArbitrary: fc.Arbitrary<FieldValue> = fc.oneof(
  multiLineArbitrary(500),
  fc.constantFrom('', ' ', 'Camille', 'Lyon'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => (Object.is(value, -0) ? 0 : value)),
  fc.boolean(),
  fc.constant(null),
);

const fieldNameArbitrary = fc.oneof(
  fc.constantFrom('email', 'firstName', 'lastName', 'city', 'phone', 'company', 'birthDate', 'address.line1', 'consent_source'),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/),
);

function fieldsArbitrary(type: EventType): fc.Arbitrary<FieldChange[]> {
  const withPrevious = type === 'data.updated' || type === 'data.rectified';
  const field: fc.Arbitrary<FieldChange> =
    type === 'data.erased'
      ? fc.record({ name: fieldNameArbitrary, previousValue: fieldValueArbitrary }, { requiredKeys: ['name'] })
      : withPrevious
        ? fc.record({ name: fieldNameArbitrary, value: fieldValueArbitrary, previousValue: fieldValueArbitrary }, { requiredKeys: ['name', 'value'] })
        : fc.record({ name: fieldNameArbitrary, value: fieldValueArbitrary });
  return fc.uniqueArray(field, { minLength: 1, maxLength: 5, selector: (change) => change.name });
}

const purposeArbitrary = fc.oneof(fc.constantFrom('newsletter', 'offers', 'offers.partners', 'product-updates'), fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,63}$/));

/** `arbitrary` one time in eight, else undefined. */
function rarely<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

/** An explicit id (a UUID of any version or a ULID), or none so that `buildTrail` makes a UUIDv7. */
const idArbitrary: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/) },
);

/** One valid event input for `subject`, of any type, with exactly the members its type allows or needs. */
export function eventInputArbitrary(subject: string): fc.Arbitrary<ProvenanceEventInput> {
  return fc.constantFrom<EventType>(
    'consent.given',
    'consent.confirmed',
    'consent.renewed',
    'consent.withdrawn',
    'data.collected',
    'data.updated',
    'data.rectified',
    'data.erased',
    'subject.access-requested',
    'subject.erasure-requested',
    'processing.restricted',
  ).chain((type) => {
    const isConsent = type.startsWith('consent.');
    const isData = type.startsWith('data.');
    return fc
      .record(
        {
          id: idArbitrary,
          at: instantArbitrary,
          source: sourceArbitrary,
          purpose: isConsent ? purposeArbitrary : rarely(purposeArbitrary),
          channel: isConsent ? fc.constantFrom<Channel>(...CHANNELS) : rarely(fc.constantFrom<Channel>(...CHANNELS)),
          lawfulBasis: fc.option(fc.constantFrom<LawfulBasis>(...LAWFUL_BASES), { nil: undefined }),
          fields: isData ? fieldsArbitrary(type) : fc.constant(undefined),
          actor: fc.option(actorArbitrary, { nil: undefined }),
          proof: fc.option(proofArbitrary, { nil: undefined }),
          reason: type === 'data.rectified' ? multiLineArbitrary(1000).filter((text) => text.length > 0) : fc.option(multiLineArbitrary(1000), { nil: undefined }),
        })
      .map((members) => {
        const input: Record<string, unknown> = { subject, type };
        for (const [key, value] of Object.entries(members)) if (value !== undefined) input[key] = value;
        return input as unknown as ProvenanceEventInput;
      });
  });
}

/** Deterministic random bytes from a seed (mulberry32), for reproducible ids and salts. */
export function seededRandomBytes(seed: number): RandomBytes {
  let state = seed >>> 0;
  return (length) => {
    const bytes = new Uint8Array(length);
    for (let index = 0; index < length; index += 1) {
      state = (state + 0x6d2b79f5) >>> 0;
      let value = state;
      value = Math.imul(value ^ (value >>> 15), value | 1);
      value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
      bytes[index] = ((value ^ (value >>> 14)) >>> 0) & 0xff;
    }
    return bytes;
  };
}

export interface TrailArbitraryOptions {
  minEvents?: number;
  maxEvents?: number;
}

/** A valid trail built with `buildTrail` (the chain verifies), for a random subject. */
export function trailArbitrary(options: TrailArbitraryOptions = {}): fc.Arbitrary<Trail> {
  const { minEvents = 0, maxEvents = 8 } = options;
  return emailArbitrary.chain((subject) =>
    fc
      .tuple(fc.array(eventInputArbitrary(subject), { minLength: minEvents, maxLength: maxEvents }), fc.integer())
      .map(([inputs, seed]) => buildTrail(subject, dropDuplicateIds(inputs), { randomBytes: seededRandomBytes(seed) })),
  );
}

/** A trail, its full redaction (erasure) or the redaction of some fields, as stored after GDPR requests. */
export function anyTrailArbitrary(options: TrailArbitraryOptions = {}): fc.Arbitrary<Trail> {
  return trailArbitrary(options).chain((trail) => {
    const names = [...new Set(trail.events.flatMap((event) => event.fields?.map((field) => field.name) ?? []))];
    return fc.oneof(
      fc.constant(trail),
      fc.constant(redactTrail(trail)),
      fc.subarray(names).map((chosen) => redactFields(trail, chosen)),
    );
  });
}

/** The redacted form of a valid trail (every personal value replaced by its digest). */
export function redactedTrailArbitrary(options: TrailArbitraryOptions = {}): fc.Arbitrary<Trail> {
  return trailArbitrary(options).map((trail) => redactTrail(trail));
}

function dropDuplicateIds(inputs: ProvenanceEventInput[]): ProvenanceEventInput[] {
  const seen = new Set<string>();
  return inputs.map((input) => {
    if (input.id === undefined) return input;
    const key = input.id.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      return input;
    }
    const { id: _duplicate, ...rest } = input;
    return rest;
  });
}
