import type { ProvenanceEvent } from '../model/event';
import { parseStoredEvent } from '../model/event-schema';
import { computeEventHash } from './hash-chain';

/**
 * Remembers, per event object, that it passed `parseStoredEvent` and what its hash is, so that one
 * sync does not pay twice for the same event: `verifyTrail` in the push pipeline, then `encodeTrail`
 * through `encodeSummaryFields` and `encodeTimelineEntry` for each new event. The schema check and
 * the hash were about two thirds of each.
 *
 * Events are plain mutable objects, so identity alone would be unsafe: an event edited in place after
 * its first check must be checked again. The `parseStoredEvent` result is a fresh deep copy, so an
 * entry is used only while the event is still deep-equal to it, member for member, made only of plain
 * objects, arrays, strings, booleans, null and finite numbers (no undefined member, function, NaN,
 * Date, class instance...). An event that is not (an edit, or one stored unnormalised) simply takes
 * the full check every time. Comparing costs a fraction of a microsecond per event; the check it
 * skips, a few (15 before the hand-written fast path of stored-event-fast-path.ts).
 */

/** Stored event object → its `parseStoredEvent` result. The results are ours, never handed out for writing. */
const parsedByEvent = new WeakMap<object, ProvenanceEvent>();
/** `parseStoredEvent` result → its `computeEventHash`. */
const hashByParsed = new WeakMap<object, string | undefined>();
/** Every `parseStoredEvent` result handed out by `parseStoredEventCached`: read only, so known by identity. */
const ours = new WeakSet<object>();

/** Like `parseStoredEvent`, but the result may be shared between calls: never modify it. */
export function parseStoredEventCached(event: unknown, path = ''): ProvenanceEvent {
  const known = knownParsed(event);
  if (known) return known;
  const parsed = parseStoredEvent(event, path);
  ours.add(parsed);
  if (typeof event === 'object' && event !== null && samePlainValue(event, parsed)) parsedByEvent.set(event, parsed);
  return parsed;
}

/**
 * `computeEventHash`, remembered for an event `parseStoredEventCached` has checked (and that is
 * unchanged since) or returned; computed afresh for any other event.
 */
export function eventHashCached(event: ProvenanceEvent): string | undefined {
  const parsed = ours.has(event) ? event : knownParsed(event);
  if (!parsed) return computeEventHash(event);
  if (hashByParsed.has(parsed)) return hashByParsed.get(parsed);
  const hash = computeEventHash(parsed);
  hashByParsed.set(parsed, hash);
  return hash;
}

/**
 * `eventHashCached(event)` right after `parseStoredEventCached(event)` returned `parsed`, with nothing
 * run in between: the check has just compared the event with its result, so it is not compared again.
 */
export function eventHashJustChecked(event: ProvenanceEvent, parsed: ProvenanceEvent): string | undefined {
  if (parsedByEvent.get(event) !== parsed) return eventHashCached(event);
  if (hashByParsed.has(parsed)) return hashByParsed.get(parsed);
  const hash = computeEventHash(parsed);
  hashByParsed.set(parsed, hash);
  return hash;
}

function knownParsed(event: unknown): ProvenanceEvent | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const parsed = parsedByEvent.get(event);
  if (parsed === undefined) return undefined;
  if (samePlainValue(event, parsed)) return parsed;
  parsedByEvent.delete(event);
  return undefined;
}

/** Deep equality where `value` may only hold what JSON holds (finite numbers, plain objects without undefined members). */
function samePlainValue(value: unknown, reference: unknown): boolean {
  if (value === reference) return typeof value !== 'number' || Number.isFinite(value);
  if (typeof value !== 'object' || value === null || typeof reference !== 'object' || reference === null) return false;
  if (Array.isArray(value)) {
    if (!Array.isArray(reference) || value.length !== reference.length) return false;
    for (let index = 0; index < value.length; index += 1) {
      if (!(index in value) || !samePlainValue(value[index], reference[index])) return false;
    }
    return true;
  }
  if (Array.isArray(reference) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  let count = 0;
  for (const key in value) {
    if (!Object.hasOwn(reference, key)) return false;
    if (!samePlainValue((value as Record<string, unknown>)[key], (reference as Record<string, unknown>)[key])) return false;
    count += 1;
  }
  return count === Object.keys(reference).length;
}
