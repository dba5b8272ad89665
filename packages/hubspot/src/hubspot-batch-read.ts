import { CrmApiError } from '@optintrail/core';
import { HUBSPOT_ADAPTER_ID } from './hubspot-errors';

/** Per-input answers of a 207 that mean "there is nothing there", not "I could not read it". */
const ABSENT_CATEGORIES = new Set(['OBJECT_NOT_FOUND']);

/**
 * A batch read answered with per-input errors (207). Inputs HubSpot did not find are simply absent;
 * any other per-input error (an internal error on one record) means the adapter cannot tell what is
 * stored. Reading such an input as absent would make a push write its events again, or a pull miss
 * them, so the whole read fails instead: retryable, as HubSpot asks a failed record to be retried.
 */
export function failOnUnreadInputs(response: unknown, operation: string): void {
  const errors = (response as { errors?: Array<{ category?: string; message?: string }> } | null)?.errors ?? [];
  const unread = errors.filter((error) => !ABSENT_CATEGORIES.has(error.category ?? ''));
  if (unread.length === 0) return;
  const first = unread[0]!;
  throw new CrmApiError({
    adapter: HUBSPOT_ADAPTER_ID,
    operation,
    status: 207,
    vendorCode: first.category,
    message: `HubSpot could not read ${unread.length} input(s) of the batch (${first.category ?? 'unknown'}: ${first.message ?? 'no message'}); nothing read from this batch is trusted`,
    isRetryable: first.category !== 'VALIDATION_ERROR',
  });
}
