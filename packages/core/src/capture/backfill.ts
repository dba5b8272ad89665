import type { CrmAdapter, PushOptions } from '../adapter';
import type { ProvenanceEventInput, Trail } from '../model/event';
import { normalizeEmail } from '../model/subject';
import { buildTrail, type RandomBytes } from '../trail/trail';
import { applyCapturedChanges, capturedEventId, type CaptureFailure, type CapturedChange, type SubjectLocks } from './change-capture';

/**
 * What a CRM already knows about one existing contact, as events, for a first trail.
 *
 * Backfill is honest about proof: an opt-in the CRM holds without any evidence (no IP, no form, no
 * confirmation) is an `import` without `proof`, so the reminder says "your details were added to our
 * list on…", never "you subscribed". Adapters build these from native history (HubSpot property
 * history, Mailchimp signup fields, Salesforce field history and consent records).
 */
export interface BackfillSubject {
  subject: string;
  /**
   * Whether the CRM already holds a trail for this subject (its summary fields name a head). New
   * trails are built and pushed in batches; existing ones are pulled and extended one at a time.
   */
  hasTrail: boolean;
  /** Everything the CRM knows, each with its own stable id (so a second run writes nothing). */
  changes: CapturedChange[];
}

export interface BackfillOptions {
  /** Namespace of the event ids (see `capturedEventId`), e.g. `hubspot-backfill`. Keep it stable across runs. */
  namespace: string;
  /** Subjects per push. Default 500 (adapters split further to their API's batch size). */
  batchSize?: number;
  /** Compute everything, write nothing (`PushOptions.dryRun`). */
  dryRun?: boolean;
  /** Passed to every push (suppression list, signal…). */
  pushOptions?: PushOptions;
  randomBytes?: RandomBytes;
  locks?: SubjectLocks;
  /** After each batch, with running totals. */
  onProgress?: (report: Readonly<BackfillReport>) => void;
}

/** What a backfill did. Counts only, plus failures (subjects are the caller's own data). */
export interface BackfillReport {
  /** Contacts read from the CRM. */
  subjects: number;
  /** Contacts with nothing the CRM could say (no history, no consent): no trail is made for them. */
  skipped: number;
  /** Contacts given a new trail. */
  trailsCreated: number;
  /** Contacts whose existing trail was extended. */
  trailsExtended: number;
  eventsWritten: number;
  /** Events already in the trails (a second run). */
  duplicates: number;
  failures: CaptureFailure[];
  /** True for a dry run: nothing was written. */
  dryRun: boolean;
}

/**
 * Writes backfilled events: a new trail (built in time order, chained) for contacts the CRM holds no
 * trail for, pushed in batches; the events missing from existing trails otherwise (pull, append new
 * ids, push). Streams: at most one batch in memory.
 */
export async function writeBackfill(adapter: CrmAdapter, subjects: AsyncIterable<BackfillSubject> | Iterable<BackfillSubject>, options: BackfillOptions): Promise<BackfillReport> {
  const batchSize = options.batchSize ?? 500;
  const report: BackfillReport = { subjects: 0, skipped: 0, trailsCreated: 0, trailsExtended: 0, eventsWritten: 0, duplicates: 0, failures: [], dryRun: options.dryRun === true };
  let fresh: Trail[] = [];
  let existing: BackfillSubject[] = [];

  const flush = async () => {
    if (fresh.length > 0) {
      const trails = fresh;
      fresh = [];
      const pushed = await adapter.push(trails, { ...options.pushOptions, ...(options.dryRun ? { dryRun: true } : {}) });
      const failed = new Set(pushed.failures.map((failure) => failure.subject));
      for (const failure of pushed.failures) {
        if (!report.failures.some((known) => known.subject === failure.subject)) {
          report.failures.push({ subject: failure.subject, reason: `${failure.kind}: ${failure.reason}`, retryable: failure.kind === 'vendor' });
        }
      }
      for (const trail of trails) {
        if (failed.has(trail.subject)) continue;
        report.trailsCreated += 1;
        report.eventsWritten += trail.events.length;
      }
    }
    if (existing.length > 0) {
      const items = existing;
      existing = [];
      if (options.dryRun) {
        // Reading is enough to know what is missing; nothing is pushed.
        for (const item of items) report.trailsExtended += item.changes.length > 0 ? 1 : 0;
      } else {
        for (const item of items) {
          const applied = await applyCapturedChanges(adapter, item.changes, {
            namespace: options.namespace,
            ...(options.locks ? { locks: options.locks } : {}),
            ...(options.randomBytes ? { randomBytes: options.randomBytes } : {}),
            ...(options.pushOptions ? { pushOptions: options.pushOptions } : {}),
          });
          report.eventsWritten += applied.eventsWritten;
          report.duplicates += applied.duplicates;
          report.failures.push(...applied.failures);
          if (applied.eventsWritten > 0) report.trailsExtended += 1;
        }
      }
    }
    options.onProgress?.({ ...report, failures: [...report.failures] });
  };

  for await (const item of subjects) {
    report.subjects += 1;
    if (item.changes.length === 0) {
      report.skipped += 1;
      continue;
    }
    if (item.hasTrail) existing.push(item);
    else {
      try {
        fresh.push(newTrail(item, options));
      } catch (error) {
        // One contact's unreadable data (e.g. a value the model refuses) does not stop the others.
        report.failures.push({ subject: normalizeEmail(item.subject), reason: error instanceof Error ? error.message : String(error), retryable: false });
      }
    }
    if (fresh.length + existing.length >= batchSize) await flush();
  }
  await flush();
  return report;
}

function newTrail(item: BackfillSubject, options: BackfillOptions): Trail {
  const subject = normalizeEmail(item.subject);
  const seen = new Set<string>();
  const inputs: Array<ProvenanceEventInput & { id: string }> = [];
  for (const change of item.changes) {
    const id = capturedEventId(options.namespace, change.externalId, change.event.at);
    if (seen.has(id)) continue;
    seen.add(id);
    inputs.push({ ...change.event, id, subject });
  }
  // Stable: changes of the same instant keep the order the adapter gave them (a grant, then its withdrawal).
  inputs.sort((left, right) => new Date(left.at).getTime() - new Date(right.at).getTime());
  return buildTrail(subject, inputs, options.randomBytes ? { randomBytes: options.randomBytes } : {});
}
