import { inflateRawSync } from 'node:zlib';
import { deflateSmall } from './small-deflate';
import { ValidationError } from '../errors';
import type { ProvenanceEvent, Trail } from '../model/event';
import { parseStoredEventCached } from '../trail/validated-event-cache';
import { compactEvent, expandEvent, packHash } from './compact-event';
import { TRAIL_DICTIONARY } from './trail-dictionary';
import { utf8ByteLength } from './utf8-budget';

/**
 * A trail packed into one text field: `ot1:` then base64url of raw DEFLATE (with a preset
 * dictionary) of `[subject, totalLength, compactEvents]` (see compact-event.ts). Only ASCII, so its
 * length in characters is its length in UTF-8 bytes.
 */
export const ENCODED_TRAIL_PREFIX = 'ot1:';

/** Field sizes worth knowing: Mailchimp text merge field, HubSpot text property, Salesforce long text. */
export const TRAIL_FIELD_BUDGETS = { mailchimp: 255, hubspot: 65_536, salesforce: 131_072 } as const;

// Inflating more than this is refused: no real trail comes near it, a crafted value could.
const MAX_DECODED_BYTES = 64 * 1024 * 1024;

export interface EncodeTrailOptions {
  /** The field's size in bytes of UTF-8 (255 for Mailchimp, 65,536 for HubSpot, 131,072 for Salesforce). */
  maxBytes: number;
}

export interface EncodedTrail {
  /** The text to store; `''` when not even one event (or, for an empty trail, the header) fits. */
  value: string;
  /** True when `value` holds the whole trail; false when it holds only its latest events. */
  complete: boolean;
  /** How many events `value` holds: the trail's last `eventCount` events. */
  eventCount: number;
}

export interface DecodedTrail {
  /** The events held, in trail order: the whole trail, or the latest events when `complete` is false. */
  trail: Trail;
  complete: boolean;
  /** How many events the whole trail had when it was encoded. */
  totalLength: number;
}

/**
 * Packs a trail into at most `maxBytes` bytes. When the whole trail does not fit, the longest suffix
 * of events that fits is kept (`complete: false`): the latest events are the ones a CRM reader needs,
 * and the full trail lives in the timeline. Every event packed is validated first (`ValidationError`
 * naming `events[i]`), so whatever is written decodes.
 */
export function encodeTrail(trail: Trail, options: EncodeTrailOptions): EncodedTrail {
  const { maxBytes } = options;
  if (!(maxBytes >= 0)) throw new ValidationError([{ path: 'maxBytes', reason: 'must be a number of bytes, 0 or more' }], 'Cannot encode trail');
  const total = trail.events.length;
  // Events are validated and compacted lazily, from the end: a small field never pays for a long trail.
  const compacts: Array<Record<string, unknown> | undefined> = [];
  const compactAt = (index: number) =>
    (compacts[index] ??= compactEvent(parseStoredEventCached(trail.events[index], `events[${index}]`), {
      subject: trail.subject,
      previousHash: index === 0 ? undefined : trail.events[index - 1]!.hash,
    }));
  /** The last `count` events, packed, or undefined when that does not fit. */
  const attempt = (count: number): string | undefined => {
    const start = total - count;
    const suffix = Array.from({ length: count }, (_, offset) => compactAt(start + offset));
    // The compact forms omit a `prev` that the previous event gives; the first of a suffix has none before it.
    if (count > 0) suffix[0] = { ...suffix[0], v: packHash(trail.events[start]!.prev) };
    const value = packValue([trail.subject, total, suffix]);
    return utf8ByteLength(value) <= maxBytes ? value : undefined;
  };

  let fitCount = 0;
  let fitValue: string | undefined;
  let failCount = total + 1;
  const record = (count: number) => {
    const value = attempt(count);
    if (value === undefined) failCount = Math.min(failCount, count);
    else if (count >= fitCount) [fitCount, fitValue] = [count, value];
    return value !== undefined;
  };
  // Short trails and large fields usually fit whole: try that first.
  if ((total <= 32 || maxBytes >= 16_384) && record(total)) return { value: fitValue!, complete: true, eventCount: total };
  // A short trail that does not fit whole mostly fits without its first event or two: step down.
  if (failCount === total && total <= 8) {
    for (let count = total - 1; count > 0; count -= 1) if (record(count)) break;
    if (fitValue === undefined) return { value: '', complete: false, eventCount: 0 };
    return { value: fitValue, complete: false, eventCount: fitCount };
  }
  // Otherwise gallop back from the latest event, then bisect: fewer events take fewer bytes (up to a
  // few bytes of DEFLATE noise), so this finds the longest suffix that fits in O(log n) attempts.
  for (let count = Math.min(1, total); count < failCount; count = Math.min(count * 2, total)) {
    if (!record(count) || count === total) break;
  }
  let low = fitCount + 1;
  let high = failCount - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if (record(middle)) low = middle + 1;
    else high = middle - 1;
  }
  if (fitValue === undefined) return { value: '', complete: false, eventCount: 0 };
  return { value: fitValue, complete: fitCount === total, eventCount: fitCount };
}

/**
 * Unpacks an encoded trail. Every event is validated with `parseStoredEvent`; anything that is not a
 * well-formed `ot1` value (garbage, a truncated or altered value) throws `ValidationError`. The chain
 * itself is not judged here: run `verifyTrail` on a complete result, with the head kept elsewhere.
 */
export function decodeTrail(value: string): DecodedTrail {
  try {
    return decodeTrailValue(value);
  } catch (error) {
    if (ValidationError.isInstance(error)) throw error;
    // A safety net: whatever a crafted value does, the caller gets the one error type it expects.
    throw invalid('', `cannot be decoded (${error instanceof Error ? error.message : String(error)})`);
  }
}

function decodeTrailValue(value: string): DecodedTrail {
  if (typeof value !== 'string') throw invalid('', 'must be a string');
  const parsed = unpackValue(value);
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid('', 'must hold [subject, totalLength, events]');
  const [subject, totalLength, compacts] = parsed as unknown[];
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > 320 || /[\u0000-\u001f\u007f-\u009f]/.test(subject)) {
    throw invalid('subject', 'must be a non-empty single-line string');
  }
  if (!Array.isArray(compacts)) throw invalid('events', 'must be an array');
  if (typeof totalLength !== 'number' || !Number.isSafeInteger(totalLength) || totalLength < compacts.length) {
    throw invalid('totalLength', 'must be a whole number, at least the number of events held');
  }
  const events: ProvenanceEvent[] = [];
  let previousHash: string | null | undefined;
  compacts.forEach((compact, index) => {
    const event = expandEvent(compact, { subject, previousHash }, `events[${index}]`);
    events.push(event);
    previousHash = event.hash;
  });
  const complete = events.length === totalLength;
  if (complete && events.length > 0 && events[0]!.prev !== null) {
    throw invalid('events[0].prev', 'a complete trail must start with an event that has no predecessor');
  }
  return { trail: { subject, events }, complete, totalLength };
}

function packValue(content: unknown): string {
  const compressed = deflateSmall(Buffer.from(JSON.stringify(content), 'utf8'), { dictionary: TRAIL_DICTIONARY });
  return `${ENCODED_TRAIL_PREFIX}${compressed.toString('base64url')}`;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function unpackValue(value: string): unknown {
  const text = value.trim();
  if (!text.startsWith(ENCODED_TRAIL_PREFIX)) throw invalid('', `is not an OptinTrail encoded trail (it must start with "${ENCODED_TRAIL_PREFIX}")`);
  const body = text.slice(ENCODED_TRAIL_PREFIX.length);
  // Buffer ignores stray characters and spare bits; refusing non-canonical base64url catches altered values.
  const bytes = /^[A-Za-z0-9_-]+$/.test(body) ? Buffer.from(body, 'base64url') : undefined;
  if (!bytes || bytes.toString('base64url') !== body) throw invalid('', 'is not valid base64url after the prefix (it was cut or altered)');
  let json: string;
  try {
    json = strictUtf8.decode(inflateRawSync(bytes, { dictionary: TRAIL_DICTIONARY, maxOutputLength: MAX_DECODED_BYTES }));
  } catch {
    throw invalid('', 'does not decompress (it was cut or altered)');
  }
  try {
    return JSON.parse(json);
  } catch {
    throw invalid('', 'does not hold JSON (it was altered)');
  }
}

function invalid(path: string, reason: string): ValidationError {
  return new ValidationError([{ path, reason }], 'Invalid encoded trail');
}
