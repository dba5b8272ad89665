/**
 * The contract between @optintrail/core and a CRM adapter — and the guide to writing one.
 *
 * An adapter stores provenance trails inside one CRM, through that CRM's official SDK only:
 * - summary fields on the contact record (readable in the CRM UI, mergeable in email templates),
 *   produced by `encodeSummaryFields` from ../codec;
 * - one timeline entry per event (a note, a member event, a custom object record), produced by
 *   `encodeTimelineEntry`, holding the full stored event so that `pull` can rebuild and verify the
 *   trail from the CRM alone.
 *
 * Rules every adapter follows (the conformance suite in @optintrail/adapter-test checks them):
 * 1. `push` is idempotent. Event ids are the idempotency keys: a re-run writes nothing twice, and
 *    appending events to a subject writes only the new ones. Read what the CRM holds before writing
 *    (in batches), or use a CRM mechanism that refuses duplicates.
 * 2. Bad input is rejected before any write: `push` validates every trail of a batch (schema and
 *    chain, see `verifyTrail`) and reports invalid ones as failures without touching the CRM for them.
 * 3. Vendor failures are `CrmApiError`s (see ../errors) carrying status, `isRetryable` and
 *    `retryAfterMs`; retry with `withRetry` from ../sync and pace calls with a `RateLimiter`.
 *    A record that fails for good is reported in `PushReport.failures` and never stops the batch.
 * 4. `pull` returns `null` for an unknown subject; otherwise the trail in chain order, verified
 *    against the head recorded in the summary fields (it throws `TrailIntegrityError` naming the
 *    first bad event unless `verify: false`).
 * 5. Secrets (tokens, API keys) never appear in errors, logs or progress events.
 * 6. Batches are filled to the API's maximum; calls are counted in `PushReport.apiCalls`.
 */
import type { Trail } from './model/event';
import type { SubjectRef } from './model/subject';

/** What `ensureSchema` did. */
export interface SchemaReport {
  /** Names (in the CRM's own terms) of the fields, properties or objects created by this call. */
  created: string[];
  /** Those that already existed and were left as they were. */
  existing: string[];
  /** Anything the adapter could not create, with the reason (e.g. missing permission). */
  problems?: Array<{ name: string; reason: string }>;
}

/** Progress of a push, emitted after each batch. Holds counts only, never personal data. */
export interface SyncProgress {
  adapter: string;
  /** Subjects taken from the input so far. */
  subjectsRead: number;
  /** Subjects whose CRM record was written (created or updated). */
  subjectsWritten: number;
  /** Subjects already up to date (nothing to write). */
  subjectsUnchanged: number;
  /** Events written to the timeline. */
  eventsWritten: number;
  /** Events already in the CRM, not written again. */
  eventsSkipped: number;
  /** Records that failed for good (see the report's failures). */
  failed: number;
  /** API calls made by this push so far, retries included. */
  apiCalls: number;
  /** Opaque resume point: pass it back as `PushOptions.resumeAfter` to continue after a stop. */
  cursor?: string;
}

/** One record that could not be written. */
export interface PushFailure {
  /** The subject's email (the caller's own input; never logged by the SDK). */
  subject: string;
  /** The event concerned, when the failure is about one event. */
  eventId?: string;
  /** `validation` (bad input, nothing written), `suppressed` (erased earlier), `conflict` (the CRM
   * holds events this trail does not), `vendor` (the CRM refused), `integrity` (trail does not verify). */
  kind: 'validation' | 'suppressed' | 'conflict' | 'vendor' | 'integrity';
  /** What went wrong, in words a developer can act on. */
  reason: string;
  /** The vendor's error code, when there is one. */
  vendorCode?: string;
}

/** What `push` did. */
export interface PushReport extends Omit<SyncProgress, 'cursor'> {
  /** The failures, up to `PushOptions.maxFailuresListed`; `failed` is the full count. */
  failures: PushFailure[];
  /** Resume point after the last subject fully handled. */
  cursor?: string;
}

/** Checks whether an address was erased earlier (see `createSuppressionList` in ../rights). */
export interface SuppressionCheck {
  isSuppressed(email: string): boolean | Promise<boolean>;
}

export interface PushOptions {
  /** Called after each batch with running totals. */
  onProgress?: (progress: SyncProgress) => void;
  /** Stops between batches; what was written stays written and the report says how far it got. */
  signal?: AbortSignal;
  /** Compute and report what would be written without writing anything. */
  dryRun?: boolean;
  /** Subjects erased earlier: refused with a `suppressed` failure, never written. */
  suppression?: SuppressionCheck;
  /** Skip input up to and including this cursor (from a previous report or progress event). */
  resumeAfter?: string;
  /**
   * At most this many failures are listed in the report (default 10,000); `failed` still counts
   * them all, so `failed > failures.length` means the list was cut. Keeps memory flat on bad input.
   */
  maxFailuresListed?: number;
}

export interface PullOptions {
  /** Verify the chain and the head recorded in the summary fields. Default true. */
  verify?: boolean;
}

/** An erasure request (GDPR Art. 17), as the adapter needs it. */
export interface ErasureRequest {
  /** When the request was made (ISO 8601). */
  requestedAt: string;
  /** Who carries it out (staff member, integration). */
  requestedBy?: string;
  /** Free-text reason or ticket reference. */
  reason?: string;
}

/** What an erasure removed, where and when. Holds no personal data. */
export interface ErasureReceipt {
  adapter: string;
  /** When the CRM confirmed the deletion (ISO 8601). */
  erasedAt: string;
  /** What was removed, in the CRM's own terms (e.g. `contact 51`, `3 notes`), without personal values. */
  removed: string[];
  /** The CRM mechanism used, e.g. `HubSpot GDPR delete`, `Mailchimp delete-permanent`. */
  mechanism: string;
  /** Hash of the trail head at erasure time, so the receipt can be tied to the (redacted) trail. */
  trailHead: string | null;
}

/** A correction of a field (GDPR Art. 16). */
export interface RectificationRequest {
  /** Neutral field name, e.g. `firstName`. */
  field: string;
  value: string | number | boolean | null;
  /** Why (required by the model for `data.rectified`). */
  reason: string;
  at: string;
  actor?: { kind: 'subject' | 'staff' | 'system' | 'integration'; id?: string; name?: string };
}

/** What an adapter can do beyond the required methods. */
export interface AdapterCapabilities {
  erase: boolean;
  rectify: boolean;
  export: boolean;
  captureChanges: boolean;
}

/**
 * Stores provenance trails in one CRM. Return `null` for "not found"; throw `CrmApiError` for vendor
 * failures and `ValidationError` for bad input.
 */
export interface CrmAdapter {
  readonly specificationVersion: 'v1';
  /** e.g. "hubspot"; used in errors, logs and progress events. */
  readonly id: string;
  readonly capabilities: AdapterCapabilities;
  /** Creates the custom fields / objects it needs if missing. Safe to call twice. */
  ensureSchema(): Promise<SchemaReport>;
  /** Writes what is new in these trails, streaming: never holds more than a batch in memory. */
  push(trails: AsyncIterable<Trail> | Iterable<Trail>, options?: PushOptions): Promise<PushReport>;
  /** Rebuilds a subject's trail from the CRM alone; `null` when the CRM has no trail for them. */
  pull(subject: SubjectRef, options?: PullOptions): Promise<Trail | null>;
  /** Optional: deletes the subject with the CRM's own mechanism. */
  erase?(subject: SubjectRef, request: ErasureRequest): Promise<ErasureReceipt>;
  /** Optional: appends a `data.rectified` event and writes the corrected field. Returns the new trail. */
  rectify?(subject: SubjectRef, request: RectificationRequest): Promise<Trail>;
}

/** Counts for a report that starts at zero. */
export function emptyPushReport(adapter: string): PushReport {
  return {
    adapter,
    subjectsRead: 0,
    subjectsWritten: 0,
    subjectsUnchanged: 0,
    eventsWritten: 0,
    eventsSkipped: 0,
    failed: 0,
    apiCalls: 0,
    failures: [],
  };
}
