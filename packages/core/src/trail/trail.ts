import { TrailIntegrityError, ValidationError, type TrailIntegrityProblem, type ValidationIssue } from '../errors';
import { isRedacted, type ProvenanceEvent, type ProvenanceEventInput, type Trail } from '../model/event';
import { createEventId } from '../model/event-id';
import { parseEventInput } from '../model/event-schema';
import { protectInputIps, type IpProtection } from '../model/ip-protection';
import { normalizeEmail } from '../model/subject';
import { computeEventHash, redactEvent } from './hash-chain';
import { pooledRandomBytes } from './random-pool';
import { eventHashCached, eventHashJustChecked, parseStoredEventCached } from './validated-event-cache';

/** Supplies random bytes; defaults to the platform CSPRNG. Pass a seeded one for reproducible tests. */
export type RandomBytes = (length: number) => Uint8Array;

export interface AppendOptions {
  randomBytes?: RandomBytes;
  /** Store proof IPs truncated or keyed (see `protectIp`) instead of in full: the full address never enters the trail. */
  ipProtection?: IpProtection;
}

/** An empty trail for a subject (an email address, normalised here). */
export function createTrail(subject: string): Trail {
  return { subject: normalizeEmail(subject), events: [] };
}

/** Hash of the last event, or null for an empty trail. */
export function trailHead(trail: Trail): string | null {
  return trail.events.at(-1)?.hash ?? null;
}

/**
 * Returns a new trail with the inputs appended, validated, given ids and salts, and chained.
 * All inputs are validated before anything is appended: on a `ValidationError` the trail is unchanged.
 * Inputs must name the trail's subject; ids already in the trail are refused (use `newEventsOnly`
 * to make re-runs idempotent).
 */
export function appendEvents(trail: Trail, inputs: readonly unknown[], options: AppendOptions = {}): Trail {
  const randomBytes = options.randomBytes ?? pooledRandomBytes;
  const issues: ValidationIssue[] = [];
  const parsed: ProvenanceEventInput[] = [];
  const seen = new Set(trail.events.map((event) => event.id));
  inputs.forEach((input, index) => {
    try {
      const event = parseEventInput(options.ipProtection ? protectInputIps(input, options.ipProtection, `events[${index}]`) : input, `events[${index}]`);
      if (event.subject !== trail.subject) {
        issues.push({ path: `events[${index}].subject`, reason: `belongs to another subject than this trail's` });
      }
      if (event.id !== undefined) {
        if (seen.has(event.id)) issues.push({ path: `events[${index}].id`, reason: `${event.id} is already in the trail` });
        seen.add(event.id);
      }
      parsed.push(event);
    } catch (error) {
      if (ValidationError.isInstance(error)) issues.push(...error.issues);
      else throw error;
    }
  });
  if (issues.length > 0) throw new ValidationError(issues, 'Events not appended');

  const events = [...trail.events];
  let prev = trailHead(trail);
  for (const input of parsed) {
    const { id, subject, ...rest } = input;
    const lawfulBasis = rest.lawfulBasis ?? (rest.type.startsWith('consent.') ? 'consent' : undefined);
    const event: ProvenanceEvent = {
      id: id ?? createEventId(input.at, randomBytes(16)),
      subject,
      ...rest,
      ...(lawfulBasis ? { lawfulBasis } : {}),
      salt: Buffer.from(randomBytes(16)).toString('base64url'),
      prev,
      hash: '',
    };
    event.hash = computeEventHash(event)!;
    events.push(event);
    prev = event.hash;
  }
  return { subject: trail.subject, events };
}

/** Builds a trail from event inputs in one go (see `appendEvents`). */
export function buildTrail(subject: string, inputs: readonly unknown[], options?: AppendOptions): Trail {
  return appendEvents(createTrail(subject), inputs, options);
}

/** Keeps the inputs whose `id` is not in the trail yet: append them to make a re-run a no-op. */
export function newEventsOnly<T extends { id?: string }>(trail: Trail, inputs: readonly T[]): T[] {
  const ids = new Set(trail.events.map((event) => event.id));
  return inputs.filter((input) => input.id === undefined || !ids.has(input.id));
}

export type TrailVerification =
  | { valid: true; head: string | null; length: number }
  | { valid: false; error: TrailIntegrityError };

export interface VerifyOptions {
  /** The head hash recorded elsewhere (e.g. a CRM summary field): a missing tail is then detected. */
  expectedHead?: string | null;
  /** The event count recorded elsewhere. */
  expectedLength?: number;
  /** Also validate each event against the stored-event schema. Default true. */
  checkSchema?: boolean;
}

/**
 * Checks every event's hash and link. Detects any edit, insertion, deletion or reordering and
 * names the first bad event. A deleted *tail* is only detectable against an anchor kept elsewhere
 * (`expectedHead` / `expectedLength`), which the adapters keep in the CRM's summary fields.
 */
export function verifyTrail(trail: Trail, options: VerifyOptions = {}): TrailVerification {
  const fail = (index: number, problem: TrailIntegrityProblem, detail: string): TrailVerification => ({
    valid: false,
    error: new TrailIntegrityError({ eventId: trail.events[index]?.id ?? trail.events.at(-1)?.id, index, problem, detail }),
  });
  const ids = new Set<string>();
  let prev: string | null = null;
  for (const [index, event] of trail.events.entries()) {
    let checked: ProvenanceEvent | undefined;
    if (options.checkSchema !== false) {
      try {
        checked = parseStoredEventCached(event);
      } catch (error) {
        return fail(index, 'malformed-event', ValidationError.isInstance(error) ? error.message : String(error));
      }
    }
    if (ids.has(event.id)) return fail(index, 'duplicate-event', `event id ${event.id} appears twice`);
    ids.add(event.id);
    if (!isRedacted(event.subject) && event.subject !== trail.subject) {
      return fail(index, 'subject-mismatch', 'the event belongs to another subject');
    }
    if (event.prev !== prev) {
      return fail(index, 'chain-broken', index === 0 ? 'the first event must have no predecessor' : 'it does not link to the event before it (an event was inserted, deleted or moved)');
    }
    const expected = checked ? eventHashJustChecked(event, checked) : eventHashCached(event);
    if (expected === undefined || expected !== event.hash) {
      return fail(index, 'content-mismatch', 'its content does not match its hash (it was edited)');
    }
    prev = event.hash;
  }
  if (options.expectedLength !== undefined && options.expectedLength !== trail.events.length) {
    return fail(Math.min(options.expectedLength, trail.events.length), 'head-mismatch', `expected ${options.expectedLength} events, found ${trail.events.length}`);
  }
  if (options.expectedHead !== undefined && options.expectedHead !== prev) {
    return fail(Math.max(0, trail.events.length - 1), 'head-mismatch', 'the last event is not the one recorded as the head (events are missing or were added)');
  }
  return { valid: true, head: prev, length: trail.events.length };
}

/** Like `verifyTrail` but throws the `TrailIntegrityError`. */
export function assertTrailVerifies(trail: Trail, options?: VerifyOptions): void {
  const result = verifyTrail(trail, options);
  if (!result.valid) throw result.error;
}

/**
 * Puts events read back from a CRM (in any order) into chain order by following `prev` links from
 * the first event. Events that do not fit the chain keep their place after it, sorted by time, so
 * `verifyTrail` reports them rather than hiding them.
 */
export function assembleTrail(subject: string, events: readonly ProvenanceEvent[]): Trail {
  const byPrev = new Map<string | null, ProvenanceEvent[]>();
  for (const event of events) {
    const list = byPrev.get(event.prev) ?? [];
    list.push(event);
    byPrev.set(event.prev, list);
  }
  const ordered: ProvenanceEvent[] = [];
  const used = new Set<ProvenanceEvent>();
  let cursor: string | null = null;
  for (;;) {
    const next: ProvenanceEvent | undefined = byPrev.get(cursor)?.find((event) => !used.has(event));
    if (!next) break;
    ordered.push(next);
    used.add(next);
    cursor = next.hash;
  }
  const rest = events.filter((event) => !used.has(event)).sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  return { subject: normalizeEmail(subject), events: [...ordered, ...rest] };
}

/**
 * Erases a subject's personal data from a trail: every personal value (subject, field values, proof
 * IP and user agent) becomes a redaction marker. The chain still verifies; what remains is when,
 * what kind and from which source, without anything that identifies the person.
 */
export function redactTrail(trail: Trail): Trail {
  const events = trail.events.map((event) => redactEvent(event));
  const first = events[0]?.subject;
  return { subject: isRedacted(first) ? first.digest : trail.subject, events };
}

/** Redacts the values of the named fields in every event (erasure of some fields only). */
export function redactFields(trail: Trail, fieldNames: readonly string[]): Trail {
  const names = new Set(fieldNames);
  return {
    subject: trail.subject,
    events: trail.events.map((event) =>
      redactEvent(event, (path) => {
        const match = /^fields\[(\d+)\]\./.exec(path);
        return match ? names.has(event.fields?.[Number(match[1])]?.name ?? '') : false;
      }),
    ),
  };
}
