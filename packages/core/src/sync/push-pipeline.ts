import type { PushFailure, PushOptions, PushReport, SyncProgress } from '../adapter';
import { emptyPushReport } from '../adapter';
import { OptinTrailError, ValidationError } from '../errors';
import type { ProvenanceEvent, Trail } from '../model/event';
import { verifyTrail } from '../trail/trail';
import { batches } from './batches';

/** What the CRM already holds for a subject, as an adapter reads it before writing. */
export interface ExistingTrailInfo {
  /** Hash of the last stored event (from the summary fields), or null when none is recorded. */
  head: string | null;
  /** Number of stored events, when known. */
  length?: number;
  /** Ids of the events stored in the timeline, when the adapter read them (stronger than `head`). */
  eventIds?: ReadonlySet<string>;
}

/** One subject's share of a write: the whole trail (for the summary fields) and the events to add. */
export interface PlannedWrite {
  trail: Trail;
  /** Events not in the CRM yet, in trail order. */
  newEvents: ProvenanceEvent[];
  /** What the CRM held before, or null for a subject it does not know. */
  existing: ExistingTrailInfo | null;
}

export interface PushPipelineSettings {
  /** Adapter id for the report. */
  adapter: string;
  /** Subjects per batch: the CRM's maximum for its contact batch call (or a multiple of it). */
  batchSize: number;
  /**
   * Reads what the CRM holds for these subjects (emails), in as few calls as the API allows. Gets the
   * batch's trails too, for adapters whose first call both writes and reads (HubSpot's batch upsert
   * answers `new: true|false` per contact): such an adapter must write nothing on a dry run.
   */
  readExisting(subjects: string[], trails: ReadonlyMap<string, Trail>): Promise<Map<string, ExistingTrailInfo>>;
  /**
   * Writes the summary fields and the new events of a batch, filling the CRM's batch calls to the
   * maximum. Returns failures per subject (no `eventId`: nothing of that subject counts as written)
   * or per event. Throwing fails the whole batch (each subject is reported with the error).
   */
  write(plan: PlannedWrite[]): Promise<PushFailure[]>;
  /** API calls made so far (read from the adapter's call runner). */
  apiCalls(): number;
  /** Called once a batch is done (written, unchanged or failed): an adapter drops what it kept for these subjects. */
  batchDone?(subjects: string[]): void;
  /**
   * Batches in flight at once (default 1). More keeps a rate budget busy while one batch waits on
   * an answer; batches sharing a subject never run at the same time, and the cursor only moves past
   * a batch once it and every batch before it are done.
   */
  concurrency?: number;
}

const CURSOR_PREFIX = 'subjects:';

function cursorFor(count: number): string {
  return `${CURSOR_PREFIX}${count}`;
}

function parseCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const count = Number(cursor.startsWith(CURSOR_PREFIX) ? cursor.slice(CURSOR_PREFIX.length) : Number.NaN);
  if (!Number.isInteger(count) || count < 0) {
    throw new ValidationError([{ path: 'resumeAfter', reason: 'is not a cursor from a previous push report or progress event' }]);
  }
  return count;
}

/** A batch taken from the input: validated in input order, then read and written (maybe alongside others). */
interface PreparedBatch {
  /** Input position just after this batch's last trail (for the cursor). */
  end: number;
  accepted: Map<string, Trail>;
  done: boolean;
}

/**
 * The push loop every adapter shares: streams trails in batches, rejects bad input and suppressed
 * subjects before any write, reads what the CRM holds, writes only what is new, and reports.
 * Memory stays at `concurrency` batches whatever the size of the input.
 *
 * The cursor counts input trails: `subjects:N` means the first N trails of this input are done (written,
 * unchanged or reported as failures). Resuming needs the same input in the same order.
 */
export async function runPushPipeline(
  trails: AsyncIterable<Trail> | Iterable<Trail>,
  options: PushOptions,
  settings: PushPipelineSettings,
): Promise<PushReport> {
  const report = emptyPushReport(settings.adapter);
  const skip = parseCursor(options.resumeAfter);
  const concurrency = Math.max(1, Math.floor(settings.concurrency ?? 1));
  let position = 0;
  const inFlight = new Map<PreparedBatch, Promise<void>>();
  /** Batches not yet behind the cursor, oldest first. */
  const order: PreparedBatch[] = [];
  const subjectsInFlight = new Map<string, PreparedBatch>();

  // `failed` counts every failure; the list is capped so a wholly bad input cannot grow memory.
  const maxFailures = options.maxFailuresListed ?? 10_000;
  const fail = (failure: PushFailure) => {
    if (report.failures.length < maxFailures) report.failures.push(failure);
    report.failed += 1;
  };

  const advanceCursor = () => {
    let moved = false;
    while (order.length > 0 && order[0]!.done) {
      report.cursor = cursorFor(skip + order.shift()!.end);
      moved = true;
    }
    return moved;
  };

  const processBatch = async (accepted: Map<string, Trail>) => {
    const plan: PlannedWrite[] = [];
    if (accepted.size > 0) {
      let existing: Map<string, ExistingTrailInfo>;
      try {
        existing = await settings.readExisting([...accepted.keys()], accepted);
      } catch (error) {
        for (const subject of accepted.keys()) fail(failureFromError(subject, error));
        accepted.clear();
        existing = new Map();
      }
      for (const trail of accepted.values()) {
        const stored = existing.get(trail.subject) ?? null;
        const planned = planWrite(trail, stored);
        if (typeof planned === 'string') {
          fail({ subject: trail.subject, kind: 'conflict', reason: planned });
          continue;
        }
        if (planned.newEvents.length === 0) {
          report.subjectsUnchanged += 1;
          report.eventsSkipped += trail.events.length;
          continue;
        }
        plan.push(planned);
      }
    }

    if (plan.length > 0) {
      let failures: PushFailure[];
      if (options.dryRun) {
        failures = [];
      } else {
        try {
          failures = await settings.write(plan);
        } catch (error) {
          failures = plan.map((item) => failureFromError(item.trail.subject, error));
        }
      }
      const failedSubjects = new Set(failures.filter((failure) => failure.eventId === undefined).map((failure) => failure.subject));
      const failedEvents = new Set(failures.filter((failure) => failure.eventId !== undefined).map((failure) => failure.eventId));
      for (const failure of failures) fail(failure);
      for (const item of plan) {
        if (failedSubjects.has(item.trail.subject)) continue;
        const written = item.newEvents.filter((event) => !failedEvents.has(event.id)).length;
        report.subjectsWritten += 1;
        report.eventsWritten += written;
        report.eventsSkipped += item.trail.events.length - item.newEvents.length;
      }
    }
  };

  const launch = (prepared: PreparedBatch) => {
    order.push(prepared);
    for (const subject of prepared.accepted.keys()) subjectsInFlight.set(subject, prepared);
    const subjects = [...prepared.accepted.keys()];
    const running = processBatch(prepared.accepted).finally(() => {
      settings.batchDone?.(subjects);
      prepared.done = true;
      inFlight.delete(prepared);
      // `subjects`, not `accepted`: a batch whose read failed has emptied its `accepted`.
      for (const subject of subjects) if (subjectsInFlight.get(subject) === prepared) subjectsInFlight.delete(subject);
      // Counts move with every batch; the cursor only past the oldest unfinished one.
      advanceCursor();
      report.apiCalls = settings.apiCalls();
      options.onProgress?.(progressOf(report));
    });
    inFlight.set(prepared, running);
  };

  const source = batches(skipFirst(trails, skip), settings.batchSize)[Symbol.asyncIterator]();
  for (;;) {
    // Take the next batch only when there is room for it: with concurrency 1 the input is read batch by batch.
    while (inFlight.size >= concurrency) await Promise.race(inFlight.values());
    if (options.signal?.aborted) break;
    const next = await source.next();
    if (next.done) break;
    const batch = next.value;
    const accepted = new Map<string, Trail>();
    for (const candidate of batch) {
      position += 1;
      report.subjectsRead += 1;
      const problem = await checkTrail(candidate, options);
      if (problem) {
        fail(problem);
        continue;
      }
      const earlier = accepted.get(candidate.subject);
      if (!earlier) {
        accepted.set(candidate.subject, candidate);
      } else if (isPrefix(earlier, candidate)) {
        accepted.set(candidate.subject, candidate);
      } else if (!isPrefix(candidate, earlier)) {
        fail({ subject: candidate.subject, kind: 'conflict', reason: 'the same subject appears twice in this push with diverging trails' });
      }
    }
    // A subject still being written by an earlier batch: wait for it, or both would read "not there yet".
    const clashing = new Set([...accepted.keys()].map((subject) => subjectsInFlight.get(subject)).filter((owner): owner is PreparedBatch => owner !== undefined));
    await Promise.all([...clashing].map((owner) => inFlight.get(owner)));
    launch({ end: position, accepted, done: false });
  }
  await Promise.all(inFlight.values());
  // Stopped early: let the source (a file stream, a cursor) release what it holds.
  await source.return?.(undefined);
  report.apiCalls = settings.apiCalls();
  return report;
}

function progressOf(report: PushReport): SyncProgress {
  const { failures: _failures, ...progress } = report;
  return { ...progress };
}

async function* skipFirst<T>(source: AsyncIterable<T> | Iterable<T>, count: number): AsyncGenerator<T> {
  let index = 0;
  for await (const item of source) {
    if (index >= count) yield item;
    index += 1;
  }
}

async function checkTrail(trail: Trail, options: PushOptions): Promise<PushFailure | undefined> {
  const subject = typeof trail?.subject === 'string' ? trail.subject : String((trail as { subject?: unknown })?.subject);
  if (!trail || typeof trail.subject !== 'string' || !Array.isArray(trail.events)) {
    return { subject, kind: 'validation', reason: 'not a trail: expected { subject, events[] }' };
  }
  if (trail.events.length === 0) return { subject, kind: 'validation', reason: 'the trail has no events' };
  const verification = verifyTrail(trail);
  if (!verification.valid) {
    const error = verification.error;
    return {
      subject,
      ...(error.eventId ? { eventId: error.eventId } : {}),
      kind: error.problem === 'malformed-event' ? 'validation' : 'integrity',
      reason: error.message,
    };
  }
  if (options.suppression && (await options.suppression.isSuppressed(trail.subject))) {
    return { subject, kind: 'suppressed', reason: 'this address was erased on request and is on the suppression list; it is not written again' };
  }
  return undefined;
}

function isPrefix(shorter: Trail, longer: Trail): boolean {
  if (shorter.events.length > longer.events.length) return false;
  return shorter.events.every((event, index) => event.hash === longer.events[index]?.hash);
}

/** Which events are new, or why the trail cannot be written on top of what the CRM holds. */
export function planWrite(trail: Trail, existing: ExistingTrailInfo | null): PlannedWrite | string {
  if (!existing || (existing.head === null && (existing.eventIds?.size ?? 0) === 0)) {
    return { trail, newEvents: trail.events, existing };
  }
  if (existing.eventIds) {
    const stored = trail.events.slice(0, existing.eventIds.size);
    if (stored.length !== existing.eventIds.size || !stored.every((event) => existing.eventIds!.has(event.id))) {
      return 'the CRM holds events this trail does not have (pull the stored trail and merge before pushing)';
    }
    // Same ids but another chain (events rebuilt with other content): appending would break the stored chain.
    if (existing.head !== null && stored.length > 0 && stored.at(-1)!.hash !== existing.head) {
      return 'the CRM holds the same event ids with different content (pull the stored trail and merge before pushing)';
    }
    return { trail, newEvents: trail.events.slice(existing.eventIds.size), existing };
  }
  const index = trail.events.findIndex((event) => event.hash === existing.head);
  if (index === -1) return 'the trail head recorded in the CRM is not in this trail (pull the stored trail and merge before pushing)';
  if (existing.length !== undefined && existing.length !== index + 1) {
    return `the CRM records ${existing.length} events up to its head, this trail has ${index + 1}`;
  }
  return { trail, newEvents: trail.events.slice(index + 1), existing };
}

export function failureFromError(subject: string, error: unknown, eventId?: string): PushFailure {
  const vendorCode = (error as { vendorCode?: unknown })?.vendorCode;
  return {
    subject,
    ...(eventId ? { eventId } : {}),
    kind: ValidationError.isInstance(error) ? 'validation' : 'vendor',
    reason: OptinTrailError.isInstance(error) || error instanceof Error ? error.message : String(error),
    ...(typeof vendorCode === 'string' ? { vendorCode } : {}),
  };
}
