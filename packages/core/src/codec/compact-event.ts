import { ValidationError } from '../errors';
import { isRedacted, type ProvenanceEvent } from '../model/event';
import { parseStoredEvent } from '../model/event-schema';
import { computeEventHash } from '../trail/hash-chain';
import { eventHashCached } from '../trail/validated-event-cache';

/**
 * The compact form of a stored event used inside an encoded trail (format `ot1`): one-letter member
 * names, enum values as indexes into frozen tables, redacted values as `{ d: <hex> }`, and three
 * members left out whenever they can be recomputed exactly:
 * - `subject` when it equals the trail's subject;
 * - `at` when it equals the time carried by a UUIDv7 or ULID id;
 * - `prev` when it equals the previous encoded event's hash, and `hash` when it equals the hash
 *   recomputed from the event;
 * - `proof.doubleOptIn.confirmedAt` when it equals `at`.
 * A hash that has to be written out is written in base64url (43 characters instead of 64).
 * Expanding gives back the very same event (deep-equal, same hashes); a member that does not match
 * what can be recomputed is always written out, so even a tampered trail is carried as it is.
 * Recomputed hashes make the value self-consistent by construction: what proves it unaltered is the
 * head recorded elsewhere (the `trailHead` summary field), as for any trail (`verifyTrail` with
 * `expectedHead`). An unkeyed hash kept inside the value would prove nothing more and costs 45 bytes.
 */

// Frozen for `ot1`: append only, never reorder. A value missing from its table is written as its string.
const EVENT_TYPE_TABLE = [
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
const SOURCE_KIND_TABLE = ['event', 'web-form', 'import', 'purchase', 'paper-form', 'phone', 'api', 'crm-user', 'crm-automation', 'partner', 'subject', 'other'];
const CHANNEL_TABLE = ['email', 'sms', 'phone', 'postal', 'push', 'messaging', 'any'];
const LAWFUL_BASIS_TABLE = ['consent', 'contract', 'legal-obligation', 'vital-interests', 'public-task', 'legitimate-interests'];
const ACTOR_KIND_TABLE = ['subject', 'staff', 'system', 'integration'];
const CONFIRMATION_METHOD_TABLE = ['email-link', 'sms-code', 'other'];

const DIGEST_PREFIX = 'sha256:';

/** A member of a compacted object: its short name and how its value is packed and unpacked. */
interface Member {
  short: string;
  pack?: (value: unknown) => unknown;
  unpack?: (value: unknown, path: string) => unknown;
}
type Shape = Record<string, Member>;

function enumMember(short: string, table: readonly string[]): Member {
  return {
    short,
    pack: (value) => {
      const index = table.indexOf(value as string);
      return index >= 0 ? index : value;
    },
    unpack: (value, path) => {
      if (typeof value !== 'number') return value;
      const known = Number.isInteger(value) ? table[value] : undefined;
      if (known === undefined) throw invalid(path, `${value} is not a known code`);
      return known;
    },
  };
}

const personalMember = (short: string): Member => ({
  short,
  pack: (value) => (isRedacted(value) && value.digest.startsWith(DIGEST_PREFIX) ? { d: value.digest.slice(DIGEST_PREFIX.length) } : value),
  unpack: (value) => {
    if (isPlainObject(value) && Object.keys(value).length === 1 && typeof value.d === 'string') {
      return { redacted: true, digest: `${DIGEST_PREFIX}${value.d}` };
    }
    return value;
  },
});

const objectMember = (short: string, shape: Shape): Member => ({
  short,
  pack: (value) => packObject(value as Record<string, unknown>, shape),
  unpack: (value, path) => unpackObject(value, shape, path),
});

const SOURCE_SHAPE: Shape = {
  kind: enumMember('k', SOURCE_KIND_TABLE),
  name: { short: 'n' },
  place: { short: 'p' },
  url: { short: 'u' },
  campaign: { short: 'c' },
  partner: { short: 'r' },
  phrases: { short: 'h' },
};

const ACTOR_SHAPE: Shape = { kind: enumMember('k', ACTOR_KIND_TABLE), id: { short: 'i' }, name: { short: 'n' } };

const DOUBLE_OPT_IN_SHAPE: Shape = {
  confirmedAt: { short: 'a' },
  method: enumMember('m', CONFIRMATION_METHOD_TABLE),
  ip: personalMember('i'),
};

const PROOF_SHAPE: Shape = {
  ip: personalMember('i'),
  userAgent: personalMember('g'),
  formUrl: { short: 'u' },
  formVersion: { short: 'v' },
  wording: { short: 'w' },
  wordingHash: { short: 'x' },
  doubleOptIn: objectMember('d', DOUBLE_OPT_IN_SHAPE),
  documentRef: { short: 'r' },
};

const FIELD_SHAPE: Shape = { name: { short: 'n' }, value: personalMember('v'), previousValue: personalMember('w') };

/** Members other than `subject`, `at`, `prev` and `hash`, which `compactEvent` handles itself. */
const EVENT_SHAPE: Shape = {
  id: { short: 'i' },
  type: enumMember('t', EVENT_TYPE_TABLE),
  source: objectMember('s', SOURCE_SHAPE),
  purpose: { short: 'p' },
  channel: enumMember('c', CHANNEL_TABLE),
  lawfulBasis: enumMember('l', LAWFUL_BASIS_TABLE),
  fields: {
    short: 'f',
    pack: (value) => (value as Array<Record<string, unknown>>).map((field) => packObject(field, FIELD_SHAPE)),
    unpack: (value, path) => (Array.isArray(value) ? value.map((field, index) => unpackObject(field, FIELD_SHAPE, `${path}[${index}]`)) : value),
  },
  actor: objectMember('y', ACTOR_SHAPE),
  proof: objectMember('o', PROOF_SHAPE),
  reason: { short: 'r' },
  salt: { short: 'z' },
};
const EVENT_SPECIAL_MEMBERS = { subject: 'u', at: 'a', prev: 'v', hash: 'h' } as const;

function packObject(value: Record<string, unknown>, shape: Shape): Record<string, unknown> {
  const packed: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const member = shape[name];
    // Only validated events reach here; an unknown member means the model grew and this codec did not.
    if (!member) throw invalid(name, 'this member is not known to the ot1 trail codec; the codec must be updated with the model');
    packed[member.short] = member.pack ? member.pack(item) : item;
  }
  return packed;
}

function unpackObject(value: unknown, shape: Shape, path: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw invalid(path, 'must be an object');
  const byShort = shortNames(shape);
  const unpacked: Record<string, unknown> = {};
  for (const [short, item] of Object.entries(value)) {
    const entry = byShort.get(short);
    if (!entry) throw invalid(path, `unknown member "${short}"`);
    const [name, member] = entry;
    unpacked[name] = member.unpack ? member.unpack(item, path ? `${path}.${name}` : name) : item;
  }
  return unpacked;
}

const shortNameCache = new WeakMap<Shape, Map<string, [string, Member]>>();
function shortNames(shape: Shape): Map<string, [string, Member]> {
  let map = shortNameCache.get(shape);
  if (!map) {
    map = new Map(Object.entries(shape).map(([name, member]) => [member.short, [name, member]]));
    shortNameCache.set(shape, map);
  }
  return map;
}

/** Where an event sits in the encoded sequence. */
export interface CompactPosition {
  /** The trail's subject. */
  subject: string;
  /** Hash of the event before it in the encoded sequence; undefined for the first encoded event. */
  previousHash: string | null | undefined;
}

/** The compact form of a (validated) stored event. */
export function compactEvent(event: ProvenanceEvent, position: CompactPosition): Record<string, unknown> {
  const { subject, at, prev, hash, ...rest } = event;
  const compact = packObject(rest as Record<string, unknown>, EVENT_SHAPE);
  if (subject !== position.subject) compact[EVENT_SPECIAL_MEMBERS.subject] = personalMember('u').pack!(subject);
  if (timeFromEventId(event.id) !== at) compact[EVENT_SPECIAL_MEMBERS.at] = at;
  if (position.previousHash === undefined || prev !== position.previousHash) compact[EVENT_SPECIAL_MEMBERS.prev] = packHash(prev);
  if (eventHashCached(event) !== hash) compact[EVENT_SPECIAL_MEMBERS.hash] = packHash(hash);
  const confirmation = (compact.o as Record<string, Record<string, unknown>> | undefined)?.d;
  if (confirmation && confirmation.a === at) delete confirmation.a;
  return compact;
}

/** A hex SHA-256 as base64url (43 characters); anything else as it is. */
export function packHash(value: string | null): string | null {
  return value !== null && /^[0-9a-f]{64}$/.test(value) ? Buffer.from(value, 'hex').toString('base64url') : value;
}

/** The inverse of `packHash`: a 43-character canonical base64url value back to hex. */
export function unpackHash(value: unknown): unknown {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(value)) return value;
  const bytes = Buffer.from(value, 'base64url');
  return bytes.toString('base64url') === value ? bytes.toString('hex') : value;
}

/**
 * The stored event a compact form stands for, validated with `parseStoredEvent`.
 * Throws `ValidationError` (with `path` prefixed) for anything that is not a valid compact event.
 */
export function expandEvent(compact: unknown, position: CompactPosition, path: string): ProvenanceEvent {
  if (!isPlainObject(compact)) throw invalid(path, 'must be an object');
  const { u: subject, a: at, v: prev, h: hash, ...rest } = compact;
  const expanded = unpackObject(rest, EVENT_SHAPE, path);
  const id = expanded.id;
  const derivedAt = typeof id === 'string' ? timeFromEventId(id) : undefined;
  if (at === undefined && derivedAt === undefined) throw invalid(`${path}.at`, 'is missing and the id carries no time');
  if (prev === undefined && position.previousHash === undefined) throw invalid(`${path}.prev`, 'is missing on the first encoded event');
  const eventAt = at ?? derivedAt;
  const confirmation = isPlainObject(expanded.proof) ? expanded.proof.doubleOptIn : undefined;
  if (isPlainObject(confirmation) && confirmation.confirmedAt === undefined) confirmation.confirmedAt = eventAt;
  const candidate: Record<string, unknown> = {
    ...expanded,
    subject: subject === undefined ? position.subject : personalMember('u').unpack!(subject, `${path}.subject`),
    at: eventAt,
    prev: prev === undefined ? position.previousHash : unpackHash(prev),
    // A placeholder that passes the schema; the real hash is recomputed below (it does not cover `hash`).
    hash: hash === undefined ? '0'.repeat(64) : unpackHash(hash),
  };
  const event = parseStoredEvent(candidate, path);
  if (hash === undefined) {
    const computed = computeEventHash(event);
    if (computed === undefined) throw invalid(`${path}.hash`, 'is missing and cannot be recomputed (a personal value without salt)');
    event.hash = computed;
  }
  return event;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The time (ISO 8601, ms, UTC) carried by a UUIDv7 or ULID, or undefined for other ids. */
export function timeFromEventId(id: string): string | undefined {
  let milliseconds: number | undefined;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/.test(id)) {
    milliseconds = Number.parseInt(`${id.slice(0, 8)}${id.slice(9, 13)}`, 16);
  } else if (/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(id)) {
    milliseconds = 0;
    for (const character of id.slice(0, 10)) milliseconds = milliseconds * 32 + CROCKFORD.indexOf(character);
  }
  if (milliseconds === undefined) return undefined;
  const date = new Date(milliseconds);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function invalid(path: string, reason: string): ValidationError {
  return new ValidationError([{ path, reason }], 'Invalid encoded event');
}
