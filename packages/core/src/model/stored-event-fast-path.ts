import { z } from 'zod';
import { CHANNELS, EVENT_TYPES, LAWFUL_BASES, SOURCE_KINDS, type ProvenanceEvent } from './event';
import {
  checkTypeRules,
  DIGEST,
  EVENT_ID,
  FIELD_NAME,
  HTTP_URL,
  IP_DIGEST,
  isLocaleTag,
  MULTI_LINE,
  PURPOSE,
  SALT,
  SHA256_HEX,
  SINGLE_LINE,
  storedDateTime,
  WELL_FORMED,
} from './event-rules';
import { normalizeEmail } from './subject';

/**
 * `parseStoredEvent` for the events it can vouch for, written by hand: about ten times cheaper than
 * the zod schema, whose parse was a third of the CPU of a push (every stored event is checked on the
 * way in, and again by the codec).
 *
 * It only ever accepts. It returns the very value `provenanceEventSchema` + `stripUndefined` give
 * (same members in the same order, same normalisation: trimmed names, lower-cased subject, dates in
 * UTC with milliseconds), or undefined for anything it is not sure of: every rejection, and the rare
 * inputs it leaves to zod (phrases that are not a plain object). The schema then decides and words
 * the error. test/stored-event-fast-path.test.ts checks on generated
 * valid, redacted and mutated events that it accepts exactly what the schema accepts, with the same
 * result.
 */
export function parseStoredEventFast(input: unknown): ProvenanceEvent | undefined {
  if (!isRecord(input) || !onlyKeys(input, EVENT_KEYS)) return undefined;
  const id = input.id;
  if (typeof id !== 'string' || !EVENT_ID.test(id)) return undefined;
  const subject = storedSubject(input.subject);
  if (subject === undefined) return undefined;
  const salt = input.salt;
  if (salt !== undefined && (typeof salt !== 'string' || !SALT.test(salt))) return undefined;
  const prev = input.prev;
  if (prev !== null && (typeof prev !== 'string' || !SHA256_HEX.test(prev))) return undefined;
  const hash = input.hash;
  if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) return undefined;
  const at = dateTime(input.at);
  if (at === undefined) return undefined;
  const type = input.type;
  if (typeof type !== 'string' || !EVENT_TYPE_SET.has(type)) return undefined;
  const source = storedSource(input.source);
  if (source === undefined) return undefined;
  const purpose = input.purpose;
  if (purpose !== undefined && (typeof purpose !== 'string' || !PURPOSE.test(purpose))) return undefined;
  const channel = input.channel;
  if (channel !== undefined && !(typeof channel === 'string' && CHANNEL_SET.has(channel))) return undefined;
  const lawfulBasis = input.lawfulBasis;
  if (lawfulBasis !== undefined && !(typeof lawfulBasis === 'string' && LAWFUL_BASIS_SET.has(lawfulBasis))) return undefined;
  let fields: Array<Record<string, unknown>> | undefined;
  const fieldsInput = input.fields;
  if (fieldsInput !== undefined) {
    fields = storedFields(fieldsInput);
    if (fields === undefined) return undefined;
  }
  let actor: Record<string, unknown> | undefined;
  const actorInput = input.actor;
  if (actorInput !== undefined) {
    actor = storedActor(actorInput);
    if (actor === undefined) return undefined;
  }
  let proof: Record<string, unknown> | undefined;
  const proofInput = input.proof;
  if (proofInput !== undefined) {
    proof = storedProof(proofInput);
    if (proof === undefined) return undefined;
  }
  const reason = input.reason;
  if (reason !== undefined && !isMultiLine(reason, 1000)) return undefined;

  // Built in the schema's member order, so even JSON.stringify gives the same text.
  const event: Record<string, unknown> = { id, subject };
  if (salt !== undefined) event.salt = salt;
  event.prev = prev;
  event.hash = hash;
  event.at = at;
  event.type = type;
  event.source = source;
  if (purpose !== undefined) event.purpose = purpose;
  if (channel !== undefined) event.channel = channel;
  if (lawfulBasis !== undefined) event.lawfulBasis = lawfulBasis;
  if (fields !== undefined) event.fields = fields;
  if (actor !== undefined) event.actor = actor;
  if (proof !== undefined) event.proof = proof;
  if (reason !== undefined) event.reason = reason;

  let broken = false;
  checkTypeRules(event as { type: string }, () => {
    broken = true;
  });
  return broken ? undefined : (event as unknown as ProvenanceEvent);
}

type PlainRecord = Record<string, unknown>;

const EVENT_KEYS = new Set(['id', 'subject', 'salt', 'prev', 'hash', 'at', 'type', 'source', 'purpose', 'channel', 'lawfulBasis', 'fields', 'actor', 'proof', 'reason']);
const SOURCE_KEYS = new Set(['kind', 'name', 'place', 'url', 'campaign', 'partner', 'phrases']);
const ACTOR_KEYS = new Set(['kind', 'id', 'name']);
const PROOF_KEYS = new Set(['ip', 'userAgent', 'formUrl', 'formVersion', 'wording', 'wordingHash', 'doubleOptIn', 'documentRef']);
const DOUBLE_OPT_IN_KEYS = new Set(['confirmedAt', 'method', 'ip']);
const FIELD_KEYS = new Set(['name', 'value', 'previousValue']);
const REDACTED_KEYS = new Set(['redacted', 'digest']);

const EVENT_TYPE_SET = new Set<string>(EVENT_TYPES);
const SOURCE_KIND_SET = new Set<string>(SOURCE_KINDS);
const CHANNEL_SET = new Set<string>(CHANNELS);
const LAWFUL_BASIS_SET = new Set<string>(LAWFUL_BASES);
const ACTOR_KIND_SET = new Set(['subject', 'staff', 'system', 'integration']);
const DOUBLE_OPT_IN_METHOD_SET = new Set(['email-link', 'sms-code', 'other']);

// The formats zod checks by pattern are read from zod itself; IPv6 takes zod's own check (a URL parse).
const EMAIL = z.email();
const EMAIL_PATTERN: RegExp | undefined = EMAIL._zod.def.pattern;
const IPV4_PATTERN: RegExp | undefined = z.ipv4()._zod.def.pattern;
const IPV6 = z.ipv6();

/** What the schema's objects accept: any object but an array (members are read as the schema reads them). */
function isRecord(value: unknown): value is PlainRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the record schema (phrases) accepts, narrowed to plain and null-prototype objects; it decides the others. */
function isPlainRecord(value: unknown): value is PlainRecord {
  if (!isRecord(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** No member outside `allowed`, enumerated as the schema's strict check does (`for...in`). */
function onlyKeys(value: PlainRecord, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}

/**
 * The schema's length limit: at most `max` code points (a surrogate pair counts once, a lone
 * surrogate as itself), which only needs counting when the UTF-16 length is over the limit.
 */
function fitsIn(value: string, max: number): boolean {
  if (value.length <= max) return true;
  let count = value.length;
  for (let index = 0; index < value.length - 1; index += 1) {
    if ((value.charCodeAt(index) & 0xfc00) === 0xd800 && (value.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      count -= 1;
      index += 1;
    }
  }
  return count <= max;
}

function isSingleLine(value: unknown, max: number): value is string {
  return typeof value === 'string' && fitsIn(value, max) && SINGLE_LINE.test(value) && WELL_FORMED.test(value);
}

function isMultiLine(value: unknown, max: number): value is string {
  return typeof value === 'string' && fitsIn(value, max) && MULTI_LINE.test(value) && WELL_FORMED.test(value);
}

/** A non-empty single line, trimmed as the schema trims it; undefined when refused. */
function nonEmptyLine(value: unknown, max: number): string | undefined {
  if (!isSingleLine(value, max)) return undefined;
  const trimmed = value.trim();
  return trimmed.length >= 1 ? trimmed : undefined;
}

function optionalNonEmptyLine(target: PlainRecord, key: string, value: unknown, max: number): boolean {
  if (value === undefined) return true;
  const line = nonEmptyLine(value, max);
  if (line === undefined) return false;
  target[key] = line;
  return true;
}

function isUrl(value: unknown): value is string {
  return isSingleLine(value, 2048) && HTTP_URL.test(value);
}

function dateTime(value: unknown): string | undefined {
  return typeof value === 'string' ? storedDateTime(value) : undefined;
}

function matches(pattern: RegExp, value: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(value);
}

function storedSubject(value: unknown): string | Record<string, unknown> | undefined {
  if (typeof value === 'string') {
    if (!fitsIn(value, 254) || EMAIL_PATTERN === undefined) return undefined;
    const normalized = normalizeEmail(value);
    return matches(EMAIL_PATTERN, normalized) ? normalized : undefined;
  }
  return redacted(value);
}

function redacted(value: unknown): Record<string, unknown> | undefined {
  if (!isRecord(value) || !onlyKeys(value, REDACTED_KEYS)) return undefined;
  const digest = value.digest;
  if (value.redacted !== true || typeof digest !== 'string' || !DIGEST.test(digest)) return undefined;
  return { redacted: true, digest };
}

function ipAddress(value: unknown): string | Record<string, unknown> | undefined {
  if (typeof value !== 'string') return redacted(value);
  if (IP_DIGEST.test(value)) return value;
  if (IPV4_PATTERN !== undefined && matches(IPV4_PATTERN, value)) return value;
  return IPV6.safeParse(value).success ? value : undefined;
}

function storedSource(value: unknown): Record<string, unknown> | undefined {
  if (!isRecord(value) || !onlyKeys(value, SOURCE_KEYS)) return undefined;
  const kind = value.kind;
  if (typeof kind !== 'string' || !SOURCE_KIND_SET.has(kind)) return undefined;
  const name = nonEmptyLine(value.name, 200);
  if (name === undefined) return undefined;
  const source: PlainRecord = { kind, name };
  if (!optionalNonEmptyLine(source, 'place', value.place, 200)) return undefined;
  const url = value.url;
  if (url !== undefined) {
    if (!isUrl(url)) return undefined;
    source.url = url;
  }
  if (!optionalNonEmptyLine(source, 'campaign', value.campaign, 200)) return undefined;
  if (!optionalNonEmptyLine(source, 'partner', value.partner, 200)) return undefined;
  const phrasesInput = value.phrases;
  if (phrasesInput !== undefined) {
    const phrases = storedPhrases(phrasesInput);
    if (phrases === undefined) return undefined;
    source.phrases = phrases;
  }
  return source;
}

function storedPhrases(value: unknown): Record<string, unknown> | undefined {
  if (!isPlainRecord(value)) return undefined;
  const phrases: PlainRecord = {};
  // The record schema's own walk: own keys, a symbol refused, `__proto__` and non-enumerable members skipped.
  for (const key of Reflect.ownKeys(value)) {
    if (key === '__proto__' || !Object.prototype.propertyIsEnumerable.call(value, key)) continue;
    if (typeof key !== 'string' || !isLocaleTag(key)) return undefined;
    const phrase = nonEmptyLine(value[key], 300);
    if (phrase === undefined) return undefined;
    phrases[key] = phrase;
  }
  return phrases;
}

function storedActor(value: unknown): Record<string, unknown> | undefined {
  if (!isRecord(value) || !onlyKeys(value, ACTOR_KEYS)) return undefined;
  const kind = value.kind;
  if (typeof kind !== 'string' || !ACTOR_KIND_SET.has(kind)) return undefined;
  const actor: PlainRecord = { kind };
  if (!optionalNonEmptyLine(actor, 'id', value.id, 200)) return undefined;
  if (!optionalNonEmptyLine(actor, 'name', value.name, 200)) return undefined;
  return actor;
}

function storedProof(value: unknown): Record<string, unknown> | undefined {
  if (!isRecord(value) || !onlyKeys(value, PROOF_KEYS)) return undefined;
  const proof: PlainRecord = {};
  const ipInput = value.ip;
  if (ipInput !== undefined) {
    const ip = ipAddress(ipInput);
    if (ip === undefined) return undefined;
    proof.ip = ip;
  }
  const userAgentInput = value.userAgent;
  if (userAgentInput !== undefined) {
    const userAgent = isSingleLine(userAgentInput, 1000) ? userAgentInput : redacted(userAgentInput);
    if (userAgent === undefined) return undefined;
    proof.userAgent = userAgent;
  }
  const formUrl = value.formUrl;
  if (formUrl !== undefined) {
    if (!isUrl(formUrl)) return undefined;
    proof.formUrl = formUrl;
  }
  if (!optionalNonEmptyLine(proof, 'formVersion', value.formVersion, 100)) return undefined;
  const wording = value.wording;
  if (wording !== undefined) {
    if (!isMultiLine(wording, 10_000)) return undefined;
    proof.wording = wording;
  }
  const wordingHash = value.wordingHash;
  if (wordingHash !== undefined) {
    if (typeof wordingHash !== 'string' || !SHA256_HEX.test(wordingHash)) return undefined;
    proof.wordingHash = wordingHash;
  }
  const doubleOptInInput = value.doubleOptIn;
  if (doubleOptInInput !== undefined) {
    const doubleOptIn = storedDoubleOptIn(doubleOptInInput);
    if (doubleOptIn === undefined) return undefined;
    proof.doubleOptIn = doubleOptIn;
  }
  if (!optionalNonEmptyLine(proof, 'documentRef', value.documentRef, 500)) return undefined;
  return proof;
}

function storedDoubleOptIn(value: unknown): Record<string, unknown> | undefined {
  if (!isRecord(value) || !onlyKeys(value, DOUBLE_OPT_IN_KEYS)) return undefined;
  const confirmedAt = dateTime(value.confirmedAt);
  if (confirmedAt === undefined) return undefined;
  const doubleOptIn: PlainRecord = { confirmedAt };
  const method = value.method;
  if (method !== undefined) {
    if (typeof method !== 'string' || !DOUBLE_OPT_IN_METHOD_SET.has(method)) return undefined;
    doubleOptIn.method = method;
  }
  const ipInput = value.ip;
  if (ipInput !== undefined) {
    const ip = ipAddress(ipInput);
    if (ip === undefined) return undefined;
    doubleOptIn.ip = ip;
  }
  return doubleOptIn;
}

function storedFields(value: unknown): Array<Record<string, unknown>> | undefined {
  if (!Array.isArray(value) || value.length < 1 || value.length > 200) return undefined;
  const fields: Array<Record<string, unknown>> = [];
  for (let index = 0; index < value.length; index += 1) {
    const field = storedField(value[index]);
    if (field === undefined) return undefined;
    fields.push(field);
  }
  return fields;
}

function storedField(value: unknown): Record<string, unknown> | undefined {
  if (!isRecord(value) || !onlyKeys(value, FIELD_KEYS)) return undefined;
  const name = value.name;
  if (typeof name !== 'string' || !FIELD_NAME.test(name)) return undefined;
  const field: PlainRecord = { name };
  const valueInput = value.value;
  if (valueInput !== undefined) {
    const stored = fieldValue(valueInput);
    if (stored === undefined) return undefined;
    field.value = stored;
  }
  const previousInput = value.previousValue;
  if (previousInput !== undefined) {
    const stored = fieldValue(previousInput);
    if (stored === undefined) return undefined;
    field.previousValue = stored;
  }
  return field;
}

/** A field value, or undefined when refused (`null` is a value). */
function fieldValue(value: unknown): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return isMultiLine(value, 10_000) ? value : undefined;
  return redacted(value);
}
