import { sleep, type CrmApiError } from '@optintrail/core';
import type { CompositeSubrequest, SalesforceClient } from './salesforce-client';
import { toSalesforceError, type SalesforceErrorEntry } from './salesforce-error';

/** sObject Collections take at most 200 records per call. */
export const COLLECTION_MAX_RECORDS = 200;
/** A Composite call holds at most 5 Collections or query subrequests (and 25 in all). */
export const COMPOSITE_MAX_COLLECTIONS = 5;

/** Whose record this is, so that a per-record result can be reported against a subject or an event. */
export interface RecordOwner {
  subject: string;
  role: 'individual' | 'record' | 'consent' | 'event' | 'repair';
  eventId?: string;
}

export interface PlannedRecord {
  /**
   * The sObject as sent: `attributes.type` set; `id` set for updates. A function builds it when its
   * chunk is sent (again when it is sent again), so a large batch never holds all its records at once.
   */
  record: Record<string, unknown> | (() => Record<string, unknown>);
  owner: RecordOwner;
}

/** One Collections write: upsert on an External ID, or update by id. */
export type CollectionStep =
  | { kind: 'upsert'; objectName: string; externalIdField: string; items: PlannedRecord[] }
  | { kind: 'update'; items: PlannedRecord[] };

/** What happened to one planned record. */
export interface RecordOutcome {
  owner: RecordOwner;
  success: boolean;
  id?: string;
  created?: boolean;
  /** The record's own errors (SaveResult), or the call's when the whole call failed. */
  errors: SalesforceErrorEntry[];
  /** Set when the whole call failed rather than the record. */
  callError?: CrmApiError;
  /** Not sent because the subject's record failed earlier in this write. */
  skipped?: boolean;
}

interface Chunk {
  step: CollectionStep;
  items: PlannedRecord[];
}

interface SaveEntry {
  id?: string;
  success?: boolean;
  created?: boolean;
  errors?: SalesforceErrorEntry[];
}

/**
 * `direct`: one sObject Collections call per 200 records. `composite`: up to five such chunks per
 * Composite call, which Salesforce counts as one call. Steps run in order either way, so a later step
 * may name records of an earlier one by External ID (an event names its contact by subject key).
 */
export type CollectionTransport = 'direct' | 'composite';

function chunkRequest(chunk: Chunk): CompositeSubrequest & { operation: string } {
  const body = { allOrNone: false, records: chunk.items.map((item) => (typeof item.record === 'function' ? item.record() : item.record)) };
  if (chunk.step.kind === 'upsert') {
    return {
      operation: `composite.sobjects.upsert ${chunk.step.objectName}`,
      method: 'PATCH',
      path: `/composite/sobjects/${chunk.step.objectName}/${chunk.step.externalIdField}`,
      referenceId: '',
      body,
    };
  }
  return { operation: 'composite.sobjects.update', method: 'PATCH', path: '/composite/sobjects', referenceId: '', body };
}

function outcomesOf(chunk: Chunk, entries: unknown): RecordOutcome[] {
  const list = Array.isArray(entries) ? (entries as SaveEntry[]) : [];
  return chunk.items.map((item, index) => {
    const entry = list[index];
    if (!entry) return { owner: item.owner, success: false, errors: [{ statusCode: 'NO_RESULT', message: 'Salesforce returned no result for this record' }] };
    return {
      owner: item.owner,
      success: entry.success === true,
      ...(entry.id ? { id: entry.id } : {}),
      ...(entry.created !== undefined ? { created: entry.created } : {}),
      errors: entry.errors ?? [],
    };
  });
}

const isParent = (owner: RecordOwner) => owner.role === 'record' || owner.role === 'individual';

/** Record errors worth sending the record again for (a lock held by another transaction). */
const RETRYABLE_RECORD_CODES = new Set(['UNABLE_TO_LOCK_ROW']);

function retryable(outcome: RecordOutcome): boolean {
  return !outcome.success && !outcome.callError && outcome.errors.length > 0 && outcome.errors.every((error) => RETRYABLE_RECORD_CODES.has(error.statusCode ?? error.errorCode ?? ''));
}

function failedChunk(chunk: Chunk, error: CrmApiError): RecordOutcome[] {
  return chunk.items.map((item) => ({ owner: item.owner, success: false, errors: [{ errorCode: error.vendorCode ?? 'CALL_FAILED', message: error.message }], callError: error }));
}

/** Runs tasks with at most `limit` of them at once (a call slot each), in the order they were given. */
export type CallSlots = <T>(task: () => Promise<T>) => Promise<T>;

export function createCallSlots(limit: number): CallSlots {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('the number of calls in flight must be a whole number, 1 or more');
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `active` counts it still.
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

/**
 * Writes the steps in order, 200 records per Collections chunk, directly or packed into Composite
 * calls. Records of a subject whose `individual` or `record` failed in an earlier call are not sent
 * (reported as skipped). A failed call fails its records; it never stops the other calls.
 *
 * Calls whose chunks all belong to one step run side by side, as many as `slots` allow; a call that
 * holds a later step's chunks waits for every call before it (an event names its contact by External
 * ID, and is not sent when its contact failed).
 */
export async function writeCollections(
  client: SalesforceClient,
  steps: CollectionStep[],
  transport: CollectionTransport,
  options: { recordRetries?: number; retryDelayMs?: number; slots?: CallSlots } = {},
): Promise<RecordOutcome[]> {
  const recordRetries = options.recordRetries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 250;
  // Without slots of the caller's, one call at a time: of this write only, not shared with others.
  const slots = options.slots ?? createCallSlots(1);
  const outcomes: RecordOutcome[] = [];
  const failedSubjects = new Set<string>();
  const note = (results: RecordOutcome[]) => {
    for (const result of results) {
      outcomes.push(result);
      if (!result.success && isParent(result.owner)) failedSubjects.add(result.owner.subject);
    }
  };
  const keep = (items: PlannedRecord[]) => {
    const kept: PlannedRecord[] = [];
    for (const item of items) {
      if (!isParent(item.owner) && failedSubjects.has(item.owner.subject)) {
        outcomes.push({ owner: item.owner, success: false, skipped: true, errors: [{ statusCode: 'NOT_SENT', message: 'not written: the subject’s record failed' }] });
      } else kept.push(item);
    }
    return kept;
  };

  /** Sends one chunk directly; records refused for a lock are sent again, a few times. */
  const sendDirect = async (chunk: Chunk): Promise<RecordOutcome[]> => {
    const request = chunkRequest(chunk);
    try {
      return outcomesOf(chunk, await client.request<unknown>(request.operation, request.method, request.path, request.body));
    } catch (error) {
      return failedChunk(chunk, toSalesforceError(error, request.operation));
    }
  };
  const withRecordRetries = async (chunk: Chunk, first: RecordOutcome[]): Promise<RecordOutcome[]> => {
    const results = [...first];
    for (let round = 1; round <= recordRetries; round += 1) {
      const again = results.map((result, index) => (retryable(result) ? index : -1)).filter((index) => index >= 0);
      if (again.length === 0) break;
      await sleep(retryDelayMs * round);
      const retried = await sendDirect({ step: chunk.step, items: again.map((index) => chunk.items[index]!) });
      again.forEach((index, position) => {
        results[index] = retried[position]!;
      });
    }
    return results;
  };

  const chunks: Chunk[] = [];
  for (const step of steps) {
    for (let start = 0; start < step.items.length; start += COLLECTION_MAX_RECORDS) chunks.push({ step, items: step.items.slice(start, start + COLLECTION_MAX_RECORDS) });
  }

  /** Sends one call's chunks: one chunk directly, or up to five in a Composite. */
  const sendComposite = async (group: Chunk[]): Promise<void> => {
    const subrequests = group.map((chunk, index) => ({ ...chunkRequest(chunk), referenceId: `chunk${index}` }));
    try {
      const responses = await client.composite(
        'composite',
        subrequests.map(({ operation: _operation, ...subrequest }) => subrequest),
      );
      // Subjects whose record got in only when sent again: their later records in this Composite
      // failed for want of it (an unresolved External ID), so they are sent again too.
      const recovered = new Set<string>();
      for (const [index, chunk] of group.entries()) {
        const response = responses.find((candidate) => candidate.referenceId === `chunk${index}`);
        if (response && response.httpStatusCode < 300) {
          let results = outcomesOf(chunk, response.body);
          const dependent = results.map((result, position) => (!result.success && !isParent(result.owner) && recovered.has(result.owner.subject) ? position : -1)).filter((position) => position >= 0);
          if (dependent.length > 0) {
            const resent = await sendDirect({ step: chunk.step, items: dependent.map((position) => chunk.items[position]!) });
            results = results.map((result, position) => (dependent.includes(position) ? resent[dependent.indexOf(position)]! : result));
          }
          const first = results;
          results = await withRecordRetries(chunk, results);
          results.forEach((result, position) => {
            if (isParent(result.owner) && result.success && !first[position]!.success) recovered.add(result.owner.subject);
          });
          note(results);
        } else {
          const errors = (Array.isArray(response?.body) ? response!.body : []) as SalesforceErrorEntry[];
          const first = errors[0];
          note(
            failedChunk(
              chunk,
              toSalesforceError({ errorCode: first?.errorCode ?? `ERROR_HTTP_${response?.httpStatusCode ?? 500}`, message: first?.message ?? 'the subrequest failed', data: errors }, subrequests[index]!.operation),
            ),
          );
        }
      }
    } catch (error) {
      const crmError = toSalesforceError(error, 'composite');
      for (const chunk of group) note(failedChunk(chunk, crmError));
    }
  };

  const perCall = transport === 'direct' ? 1 : COMPOSITE_MAX_COLLECTIONS;
  const calls: Chunk[][] = [];
  for (let start = 0; start < chunks.length; start += perCall) calls.push(chunks.slice(start, start + perCall));
  let running: Array<Promise<void>> = [];
  let runningStep: CollectionStep | undefined;
  for (const planned of calls) {
    const only = planned.every((chunk) => chunk.step === planned[0]!.step) ? planned[0]!.step : undefined;
    if (only === undefined || only !== runningStep) {
      // A later step: what it names (and whether to send it at all) depends on every call before.
      await Promise.all(running);
      running = [];
    }
    runningStep = only;
    const group = planned.map((chunk) => ({ step: chunk.step, items: keep(chunk.items) })).filter((chunk) => chunk.items.length > 0);
    if (group.length === 0) continue;
    running.push(
      slots(async () => {
        if (transport === 'composite') return sendComposite(group);
        note(await withRecordRetries(group[0]!, await sendDirect(group[0]!)));
      }),
    );
  }
  await Promise.all(running);
  return outcomes;
}
