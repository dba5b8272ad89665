import { CrmApiError, CrmAuthenticationError, CrmPermissionError } from '@optintrail/core';

export const SALESFORCE_ADAPTER_ID = 'salesforce';

/** One entry of a Salesforce error body or SaveResult. */
export interface SalesforceErrorEntry {
  errorCode?: string;
  statusCode?: string;
  message?: string;
  fields?: string[];
}

/** Error codes a later attempt may get past: locks, concurrency limits, server trouble. */
const RETRYABLE_CODES = new Set(['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE', 'UNKNOWN_EXCEPTION', 'QUERY_TIMEOUT', 'REQUEST_RUNNING_TOO_LONG']);

/** The HTTP status Salesforce answers each code with (jsforce drops the status, so it is inferred). */
function statusOf(code: string): number {
  if (code === 'INVALID_SESSION_ID') return 401;
  if (code === 'REQUEST_LIMIT_EXCEEDED' || code.startsWith('INSUFFICIENT_ACCESS') || code === 'API_DISABLED_FOR_ORG' || code === 'FUNCTIONALITY_NOT_ENABLED') return 403;
  if (code === 'NOT_FOUND' || code === 'ENTITY_IS_DELETED') return 404;
  if (code === 'MULTIPLE_CHOICES') return 300;
  if (code === 'SERVER_UNAVAILABLE') return 503;
  if (code === 'UNKNOWN_EXCEPTION') return 500;
  const http = /^ERROR_HTTP_(\d{3})$/.exec(code);
  if (http) return Number(http[1]);
  return 400;
}

/** Network failures jsforce (node-fetch) reports by code, with no HTTP answer. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTDOWN', 'ENETUNREACH', 'UND_ERR_SOCKET', 'ECONNABORTED']);

/**
 * Turns what jsforce rejected with into a `CrmApiError`. jsforce's `HttpApiError` carries
 * `errorCode`, `message` and the parsed body but not the HTTP status, so the status is inferred from
 * the code: INVALID_SESSION_ID → `CrmAuthenticationError`; INSUFFICIENT_ACCESS… →
 * `CrmPermissionError`; REQUEST_LIMIT_EXCEEDED is retryable when it is a concurrency limit and final
 * when the org's daily allowance is spent (Salesforce sends no Retry-After for either); 5xx, locks
 * and dropped connections are retryable. The request (and its Authorization header) is never kept.
 */
export function toSalesforceError(error: unknown, operation: string): CrmApiError {
  if (CrmApiError.isInstance(error)) return error;
  const source = (error ?? {}) as { errorCode?: unknown; name?: unknown; message?: unknown; data?: unknown; code?: unknown; type?: unknown };
  const networkCode = typeof source.code === 'string' && NETWORK_CODES.has(source.code) ? source.code : undefined;
  const errorCode = typeof source.errorCode === 'string' ? source.errorCode : undefined;
  const message = typeof source.message === 'string' ? source.message.trim() : String(error);
  if (!errorCode || networkCode || source.type === 'system' || source.name === 'FetchError' || source.name === 'AbortError') {
    return new CrmApiError({
      adapter: SALESFORCE_ADAPTER_ID,
      operation,
      message: `no answer from Salesforce (${networkCode ?? (typeof source.name === 'string' ? source.name : 'network error')}): ${message}. Check the instance URL and the network.`,
      isRetryable: true,
    });
  }
  const status = statusOf(errorCode);
  const responseBody = Array.isArray(source.data) || (source.data && typeof source.data === 'object') ? source.data : undefined;
  const details = { adapter: SALESFORCE_ADAPTER_ID, operation, message: `${errorCode}: ${message}`, status, vendorCode: errorCode, responseBody };
  if (errorCode === 'INVALID_SESSION_ID') {
    return new CrmAuthenticationError({
      ...details,
      message: `${errorCode}: ${message}. The access token is expired or invalid: get a new one (SALESFORCE_ACCESS_TOKEN) or pass a jsforce Connection that can refresh it.`,
    });
  }
  if (errorCode.startsWith('INSUFFICIENT_ACCESS')) {
    return new CrmPermissionError({
      ...details,
      message: `${errorCode}: ${message}. The integration user lacks a permission (creating custom fields and objects needs "Customize Application").`,
    });
  }
  if (errorCode === 'REQUEST_LIMIT_EXCEEDED') {
    const daily = /TotalRequests/i.test(message);
    return new CrmApiError({
      ...details,
      message: daily ? `${errorCode}: ${message} The org's daily API allowance is spent; the sync can resume (resumeAfter) once the rolling 24 h window frees calls.` : details.message,
      isRetryable: !daily,
    });
  }
  return new CrmApiError({ ...details, isRetryable: status >= 500 || RETRYABLE_CODES.has(errorCode) });
}

/** One readable line from SaveResult errors: `REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]`. */
export function describeRecordErrors(errors: readonly SalesforceErrorEntry[] | undefined): { reason: string; vendorCode: string | undefined } {
  const first = errors?.[0];
  const vendorCode = first?.statusCode ?? first?.errorCode;
  const reason = (errors ?? []).map((entry) => `${entry.statusCode ?? entry.errorCode ?? 'ERROR'}: ${entry.message ?? ''}`.trim()).join('; ');
  return { reason: reason || 'Salesforce refused the record without saying why', vendorCode };
}
