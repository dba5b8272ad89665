/**
 * Changes made inside a CRM become provenance too. This file is the receiver shape every adapter
 * package builds on:
 *
 *   CRM notification ──verify──▶ parse ──▶ captured changes ──▶ pull → append (new ids only) → push
 *
 * - A **verifier** checks that a delivery comes from the CRM (signature, freshness, secret token)
 *   before anything is read from it.
 * - A **parser** turns the delivery into `CapturedChange`s: provenance event inputs with the right
 *   source (`crm-user` for a staff edit, `crm-automation` for a workflow, `subject` for an
 *   unsubscribe…) and the CRM's own id for each change. Echoes of OptinTrail's own writes are
 *   dropped there, as `ignored` notices.
 * - `applyCapturedChanges` gives every change a deterministic event id derived from the CRM's id
 *   (`capturedEventId`), so a replayed or retried delivery names the same events, and
 *   `newEventsOnly` makes it write nothing.
 *
 * `createWebhookHandler` wires the three into a `(request: Request) => Promise<Response>` handler:
 * a standard Fetch API shape that runs as it is on any runtime with `Request`/`Response`, and on
 * Node's `http` or Express through `toNodeListener` / `toExpressMiddleware`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CrmAdapter, PushFailure, PushOptions } from '../adapter';
import { CrmApiError, OptinTrailError, ValidationError, TrailIntegrityError } from '../errors';
import type { ProvenanceEventInput, Trail } from '../model/event';
import { createEventId } from '../model/event-id';
import { normalizeEmail } from '../model/subject';
import { foldTrail } from '../state/subject-state';
import { appendEvents, createTrail, newEventsOnly, type RandomBytes } from '../trail/trail';
import { isRetryableError } from '../sync/retry';

/** A notification as received, body untouched (signatures are computed over the exact bytes). */
export interface WebhookDelivery {
  /** Upper-case HTTP method. */
  method: string;
  /** The URL the CRM called. Behind a proxy, set the public origin in `toNodeListener` or the verifier. */
  url: URL;
  headers: Headers;
  /** The raw body. */
  body: Uint8Array;
  /** The body decoded as UTF-8. */
  text: string;
  /** When it was received (milliseconds since the epoch), from the handler's clock. */
  receivedAt: number;
}

/** Whether a delivery may be read. A refusal names the HTTP status and a reason safe to send back. */
export type WebhookVerification = { ok: true } | { ok: false; status: 400 | 401 | 403; reason: string };

/** Checks a delivery before it is parsed (signature, timestamp, secret token). */
export type WebhookVerifier = (delivery: WebhookDelivery) => WebhookVerification | Promise<WebhookVerification>;

/** A provenance event input without its id and subject: `applyCapturedChanges` sets both. */
export type CapturedEventInput = Omit<ProvenanceEventInput, 'id' | 'subject'>;

/** One change made inside the CRM, ready to be appended to its subject's trail. */
export interface CapturedChange {
  /** The subject's email address (normalised here). */
  subject: string;
  /**
   * The CRM's own id for this change (a webhook event id, a history row id, a hash of the
   * notification's content when the CRM gives none). The event id is derived from it, so the same
   * change always becomes the same event.
   */
  externalId: string;
  event: CapturedEventInput;
  /**
   * For data events built from a full snapshot (Mailchimp's `profile` sends every merge field, not
   * the changed ones): fields the trail already holds with the same value are dropped (the event too
   * when none is left), and `previousValue` is filled from the trail.
   */
  onlyChangedFields?: boolean;
}

/** What a notification held besides events, for the caller to act on or log. Holds no personal values except the emails of `subject-changed`. */
export type CaptureNotice =
  /** Not turned into an event: an echo of OptinTrail's own write, an event type that carries no provenance, a record gone since… */
  | { kind: 'ignored'; externalId?: string; reason: string }
  /** The CRM erased a record (e.g. HubSpot's GDPR delete): record the erasure in your suppression list. */
  | { kind: 'erased'; externalId: string; crmRecordId: string; at: string }
  /**
   * The address itself changed. A trail is bound to its subject by the hash chain, so it is not
   * moved automatically: carry the trail over (or start a new one) and keep the old one as it is.
   */
  | { kind: 'subject-changed'; externalId: string; from: string; to: string; at: string };

/** What a parser found in one delivery. */
export interface ParsedNotification {
  changes: CapturedChange[];
  notices: CaptureNotice[];
}

/** Turns a verified delivery into changes. Throws `WebhookPayloadError` for a body it cannot read. */
export type WebhookParser = (delivery: WebhookDelivery) => Promise<ParsedNotification>;

/** The body of a delivery is not what the CRM sends (answered with 400, nothing written). */
export class WebhookPayloadError extends OptinTrailError {
  constructor(message: string) {
    super('WEBHOOK_PAYLOAD_ERROR', message);
    this.name = 'WebhookPayloadError';
  }

  static override isInstance(error: unknown): error is WebhookPayloadError {
    return OptinTrailError.isInstance(error) && error.code === 'WEBHOOK_PAYLOAD_ERROR';
  }
}

/**
 * The event id of a captured change: a UUIDv7 whose time part is the change's date (so ids still
 * sort like the events) and whose other 74 bits come from SHA-256 over the namespace and the CRM's
 * id. The same change always gets the same id; that is what makes a replay write nothing.
 * Use a namespace per CRM account (`hubspot:12345678`, `mailchimp:<list id>`), since CRM ids are
 * only unique within one.
 */
export function capturedEventId(namespace: string, externalId: string, at: string): string {
  const digest = createHash('sha256').update(`optintrail.captured\u0000${namespace}\u0000${externalId}`, 'utf8').digest();
  return createEventId(at, new Uint8Array(digest.subarray(0, 16)));
}

/**
 * Compares two secrets (signatures, tokens) in constant time: both are hashed to 32 bytes first,
 * so neither their content nor their length leaks through timing.
 */
export function timingSafeEqualText(expected: string, received: string): boolean {
  const left = createHash('sha256').update(expected, 'utf8').digest();
  const right = createHash('sha256').update(received, 'utf8').digest();
  return timingSafeEqual(left, right) && expected.length === received.length;
}

/**
 * True when a signed timestamp is within `toleranceMs` of `nowMs` (both in milliseconds), in either
 * direction: old deliveries are replays; far-future ones come from a wrong clock or a forger.
 */
export function isFreshTimestamp(timestampMs: number, nowMs: number, toleranceMs: number): boolean {
  return Number.isFinite(timestampMs) && Math.abs(nowMs - timestampMs) <= toleranceMs;
}

/** Serialises work per subject, so two deliveries about one person never pull and push at once. */
export interface SubjectLocks {
  run<T>(subject: string, task: () => Promise<T>): Promise<T>;
}

/**
 * In-process locks per subject. Several processes behind a load balancer need a shared lock instead
 * (e.g. a Redis lock implementing `SubjectLocks`).
 */
export function createSubjectLocks(): SubjectLocks {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(subject: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(subject) ?? Promise.resolve();
      const result = previous.then(task, task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(subject, tail);
      void tail.then(() => {
        if (tails.get(subject) === tail) tails.delete(subject);
      });
      return result;
    },
  };
}

const locksByAdapter = new WeakMap<CrmAdapter, SubjectLocks>();

function defaultLocks(adapter: CrmAdapter): SubjectLocks {
  let locks = locksByAdapter.get(adapter);
  if (!locks) {
    locks = createSubjectLocks();
    locksByAdapter.set(adapter, locks);
  }
  return locks;
}

export interface ApplyCapturedChangesOptions {
  /** Namespace of the deterministic event ids (see `capturedEventId`), e.g. `hubspot:12345678`. */
  namespace: string;
  /** Per-subject serialisation. Default: one in-process lock set per adapter. */
  locks?: SubjectLocks;
  /** Salts of the appended events (tests pass a seeded source). */
  randomBytes?: RandomBytes;
  /** Passed to the adapter's `push` (suppression list, progress…). */
  pushOptions?: PushOptions;
}

/** One subject whose changes could not be written. */
export interface CaptureFailure {
  subject: string;
  /** What went wrong, in words a developer can act on. */
  reason: string;
  /** True when a later attempt may succeed (vendor 429/5xx, dropped connection). */
  retryable: boolean;
}

/** What `applyCapturedChanges` did. Counts, plus the failures. */
export interface CaptureReport {
  /** Subjects the changes were about. */
  subjects: number;
  /** Events appended and written through the adapter. */
  eventsWritten: number;
  /** Changes whose event was already in the trail (replays, retried deliveries). */
  duplicates: number;
  failures: CaptureFailure[];
}

/**
 * Writes captured changes back through the adapter: per subject (one at a time, under a lock) pull
 * the stored trail, append the events whose deterministic id is not in it yet, push. A subject with
 * nothing new is not written at all, so a replay costs one read per subject and changes nothing.
 * A subject the CRM holds no trail for starts a new one.
 */
export async function applyCapturedChanges(adapter: CrmAdapter, changes: readonly CapturedChange[], options: ApplyCapturedChangesOptions): Promise<CaptureReport> {
  const locks = options.locks ?? defaultLocks(adapter);
  const bySubject = new Map<string, Array<ProvenanceEventInput & { id: string }>>();
  const snapshots = new Set<string>();
  for (const change of changes) {
    const subject = normalizeEmail(change.subject);
    const id = capturedEventId(options.namespace, change.externalId, change.event.at);
    if (change.onlyChangedFields) snapshots.add(id);
    const list = bySubject.get(subject) ?? [];
    // The same change twice in one delivery is one event.
    if (!list.some((input) => input.id === id)) list.push({ ...change.event, id, subject });
    bySubject.set(subject, list);
  }
  const report: CaptureReport = { subjects: bySubject.size, eventsWritten: 0, duplicates: 0, failures: [] };
  for (const [subject, inputs] of bySubject) {
    // Recorded in the order the changes happened; changes of the same instant keep the order the
    // parser gave them (a grant before the withdrawal that follows it). The sort is stable.
    inputs.sort((left, right) => new Date(left.at).getTime() - new Date(right.at).getTime());
    try {
      await locks.run(subject, async () => {
        const trail = (await adapter.pull({ email: subject })) ?? createTrail(subject);
        const unseen = newEventsOnly(trail, inputs);
        report.duplicates += inputs.length - unseen.length;
        const fresh = snapshots.size > 0 ? keepChangedFields(trail, unseen, snapshots) : unseen;
        if (fresh.length === 0) return;
        const appended = appendEvents(trail, fresh, options.randomBytes ? { randomBytes: options.randomBytes } : {});
        const pushed = await adapter.push([appended], options.pushOptions);
        const failure = pushed.failures[0];
        if (failure) throw new CapturePushError(failure);
        report.eventsWritten += fresh.length;
      });
    } catch (error) {
      report.failures.push({ subject, reason: error instanceof Error ? error.message : String(error), retryable: isRetryableCapture(error) });
    }
  }
  return report;
}

/** Drops, from snapshot events, the fields whose value the trail already holds; fills their previous values. */
function keepChangedFields<T extends ProvenanceEventInput & { id: string }>(trail: Trail, inputs: T[], snapshots: ReadonlySet<string>): T[] {
  if (!inputs.some((input) => snapshots.has(input.id))) return inputs;
  const fields = foldTrail(trail).fields;
  const kept: T[] = [];
  for (const input of inputs) {
    if (!snapshots.has(input.id) || !input.fields) {
      kept.push(input);
      continue;
    }
    const changed = input.fields
      .filter((field) => {
        const current = fields[field.name];
        return !current || current.erased || current.value !== field.value;
      })
      .map((field) => {
        const current = fields[field.name];
        return field.previousValue === undefined && current && !current.erased && current.value !== undefined ? { ...field, previousValue: current.value } : field;
      });
    if (changed.length > 0) kept.push({ ...input, fields: changed });
  }
  return kept;
}

class CapturePushError extends Error {
  constructor(readonly failure: PushFailure) {
    super(`${failure.kind}: ${failure.reason}`);
    this.name = 'CapturePushError';
  }
}

function isRetryableCapture(error: unknown): boolean {
  if (error instanceof CapturePushError) return error.failure.kind === 'vendor' || error.failure.kind === 'conflict';
  if (ValidationError.isInstance(error) || TrailIntegrityError.isInstance(error)) return false;
  if (CrmApiError.isInstance(error)) return error.isRetryable;
  return isRetryableError(error) || !OptinTrailError.isInstance(error);
}

/** Settings of `createWebhookHandler`. */
export interface WebhookHandlerSettings {
  /** Where the trails live; changes are written back through it. */
  adapter: CrmAdapter;
  verify: WebhookVerifier;
  parse: WebhookParser;
  /** Namespace of the event ids (see `capturedEventId`); a function when it depends on the delivery (e.g. the audience id). */
  namespace: string | ((delivery: WebhookDelivery) => string);
  /** Largest accepted body. Default 1 MiB (HubSpot batches up to 100 events; Mailchimp posts one). */
  maxBodyBytes?: number;
  /** Methods answered 200 without processing (Mailchimp checks a new webhook URL with a GET). Default none. */
  acknowledgeMethods?: readonly string[];
  /** Called with every notice (ignored echo, erased record, changed address). */
  onNotice?: (notice: CaptureNotice) => void | Promise<void>;
  /** Called after each processed delivery with what happened (counts and failures, no payload). */
  onReport?: (report: WebhookReport) => void | Promise<void>;
  /** See `ApplyCapturedChangesOptions`. */
  locks?: SubjectLocks;
  randomBytes?: RandomBytes;
  pushOptions?: PushOptions;
  /** Clock, in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** What one delivery led to: sent back as the JSON body of the answer and given to `onReport`. */
export interface WebhookReport extends CaptureReport {
  /** HTTP status answered. */
  status: number;
  /** Changes the parser found. */
  changes: number;
  /** Notices by kind. */
  ignored: number;
  erased: number;
  subjectChanged: number;
  /** Why the delivery was refused, for 4xx answers. */
  refused?: string;
}

/** A receiver in the Fetch API's shape. */
export type WebhookHandler = (request: Request) => Promise<Response>;

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Builds a webhook receiver: verify, parse, write back. Answers
 * - 200 with counts when everything was written (or was already there: replays answer 200 too);
 * - 400 for an unreadable payload, 401/403 (or what the verifier says) for a forged or stale one,
 *   405 for other methods, 413 for an oversized body — with nothing written;
 * - 503 when writing failed for a reason that may pass (the CRM retries; replays are harmless),
 *   422 when it failed for good (bad data, a trail that does not verify): see `onReport`.
 */
export function createWebhookHandler(settings: WebhookHandlerSettings): WebhookHandler {
  const now = settings.now ?? Date.now;
  const maxBodyBytes = settings.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const acknowledged = new Set((settings.acknowledgeMethods ?? []).map((method) => method.toUpperCase()));
  const locks = settings.locks ?? defaultLocks(settings.adapter);

  const answer = async (report: WebhookReport): Promise<Response> => {
    await settings.onReport?.(report);
    const { failures, ...counts } = report;
    const body = { ...counts, failures: failures.length };
    return new Response(JSON.stringify(body), { status: report.status, headers: { 'content-type': 'application/json' } });
  };
  const refuse = (status: number, reason: string) =>
    answer({ status, refused: reason, changes: 0, ignored: 0, erased: 0, subjectChanged: 0, subjects: 0, eventsWritten: 0, duplicates: 0, failures: [] });

  return async (request: Request): Promise<Response> => {
    const method = request.method.toUpperCase();
    if (acknowledged.has(method)) return new Response('ok', { status: 200, headers: { 'content-type': 'text/plain' } });
    if (method !== 'POST') return refuse(405, `${method} is not accepted; CRMs deliver notifications with POST`);
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > maxBodyBytes) return refuse(413, `the body is larger than ${maxBodyBytes} bytes`);
    const body = await readLimited(request, maxBodyBytes);
    if (body === null) return refuse(413, `the body is larger than ${maxBodyBytes} bytes`);
    const delivery: WebhookDelivery = {
      method,
      url: new URL(request.url),
      headers: request.headers,
      body,
      text: new TextDecoder().decode(body),
      receivedAt: now(),
    };
    const verification = await settings.verify(delivery);
    if (!verification.ok) return refuse(verification.status, verification.reason);
    let parsed: ParsedNotification;
    try {
      parsed = await settings.parse(delivery);
    } catch (error) {
      if (WebhookPayloadError.isInstance(error)) return refuse(400, error.message);
      throw error;
    }
    for (const notice of parsed.notices) await settings.onNotice?.(notice);
    const namespace = typeof settings.namespace === 'function' ? settings.namespace(delivery) : settings.namespace;
    const applied = await applyCapturedChanges(settings.adapter, parsed.changes, {
      namespace,
      locks,
      ...(settings.randomBytes ? { randomBytes: settings.randomBytes } : {}),
      ...(settings.pushOptions ? { pushOptions: settings.pushOptions } : {}),
    });
    const status = applied.failures.length === 0 ? 200 : applied.failures.some((failure) => failure.retryable) ? 503 : 422;
    return answer({
      ...applied,
      status,
      changes: parsed.changes.length,
      ignored: parsed.notices.filter((notice) => notice.kind === 'ignored').length,
      erased: parsed.notices.filter((notice) => notice.kind === 'erased').length,
      subjectChanged: parsed.notices.filter((notice) => notice.kind === 'subject-changed').length,
    });
  };
}

/** The body, or null once it passes `limit` bytes (the rest is not read). */
async function readLimited(request: Request, limit: number): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
