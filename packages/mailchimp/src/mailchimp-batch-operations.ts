import { CrmApiError, sleep } from '@optintrail/core';
import { downloadBatchResults, type MailchimpBatchResult } from './mailchimp-batch-results';
import { MAILCHIMP_ADAPTER_ID } from './mailchimp-error';
import type { MailchimpClient } from './mailchimp-client';
import type { MailchimpBatchOperationInput } from './mailchimp-sdk-types';

/** Runs the two kinds of call a batch needs: its start (not idempotent) and status polls. */
export interface BatchCallRunners {
  start<T>(call: () => Promise<T>): Promise<T>;
  status<T>(call: () => Promise<T>): Promise<T>;
}

export interface BatchOperationsSettings {
  /** First wait before polling the batch status; it grows by half each poll, up to 15 s. */
  pollIntervalMs: number;
  /** Give up (the batch keeps running at Mailchimp) after this long. */
  timeoutMs: number;
  /** Downloads the results archive (not an API call). */
  fetch: typeof fetch;
  signal?: AbortSignal;
}

/**
 * Runs operations through Mailchimp's Batch Operations API: one `POST /batches`, status polls
 * until "finished", then the gzipped results from `response_body_url` (an S3 link: no API call).
 * Returns one result per operation, matched by `operation_id`. Operations run in no guaranteed
 * order on Mailchimp's side, so callers must not depend on it.
 */
export async function runBatchOperations(
  client: MailchimpClient,
  runners: BatchCallRunners,
  operations: MailchimpBatchOperationInput[],
  settings: BatchOperationsSettings,
): Promise<Map<string, MailchimpBatchResult>> {
  const started = await runners.start(() => client.batches.start({ operations }));
  const deadline = Date.now() + settings.timeoutMs;
  let wait = settings.pollIntervalMs;
  let batch = started;
  while (batch.status !== 'finished') {
    if (Date.now() > deadline) {
      throw new CrmApiError({
        adapter: MAILCHIMP_ADAPTER_ID,
        operation: 'batches.status',
        message: `batch ${started.id} did not finish within ${Math.round(settings.timeoutMs / 1000)} s (status ${batch.status}); nothing is lost: the next push reads back what it wrote`,
        isRetryable: false,
      });
    }
    await sleep(wait, settings.signal);
    wait = Math.min(15_000, Math.ceil(wait * 1.5));
    batch = await runners.status(() => client.batches.status(started.id));
  }
  const results = await downloadBatchResults(batch.response_body_url, settings.fetch);
  const byOperation = new Map<string, MailchimpBatchResult>();
  for (const result of results) if (result.operation_id !== null) byOperation.set(result.operation_id, result);
  return byOperation;
}

/** The problem title and detail inside a failed operation's response, for the failure report. */
export function describeBatchFailure(result: MailchimpBatchResult): { reason: string; vendorCode?: string } {
  try {
    const body = JSON.parse(result.response) as { title?: unknown; detail?: unknown };
    if (typeof body.title === 'string') {
      return { reason: `${body.title}${typeof body.detail === 'string' ? `: ${body.detail}` : ''} (HTTP ${result.status_code})`, vendorCode: body.title };
    }
  } catch {
    // Not JSON: fall through to the status alone.
  }
  return { reason: `HTTP ${result.status_code}` };
}
