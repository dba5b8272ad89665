import { CrmApiError, CrmAuthenticationError, CrmPermissionError, parseRetryAfter } from '@optintrail/core';

/** Adapter id used in errors, logs and progress events. */
export const HUBSPOT_ADAPTER_ID = 'hubspot';

/** What @hubspot/api-client throws for an HTTP answer it does not accept (`ApiException` of each codegen module). */
interface SdkApiException {
  code: number;
  body: unknown;
  headers: Record<string, string>;
}

function isSdkApiException(error: unknown): error is SdkApiException {
  return typeof error === 'object' && error !== null && typeof (error as SdkApiException).code === 'number' && 'body' in error && 'headers' in error;
}

// node-fetch (used by the SDK) reports connection failures as FetchError with type "system".
function isNetworkFailure(error: unknown): boolean {
  const candidate = error as { name?: unknown; type?: unknown; code?: unknown } | null;
  return candidate?.name === 'FetchError' || candidate?.type === 'system' || candidate?.name === 'HubSpotTimeoutError';
}

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/(Bearer\s+)[^\s"']+/gi, '$1[redacted]'],
  [/(hapikey=)[^&\s"']+/gi, '$1[redacted]'],
  [/(access_token=)[^&\s"']+/gi, '$1[redacted]'],
  [/\bpat-[a-z0-9]{2,4}-[0-9a-f-]{20,}/gi, '[redacted]'],
];

/** Removes anything that looks like a credential from text the SDK or HubSpot produced. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let redacted = text;
  for (const secret of secrets) if (secret.length >= 4) redacted = redacted.split(secret).join('[redacted]');
  for (const [pattern, replacement] of SECRET_PATTERNS) redacted = redacted.replace(pattern, replacement);
  return redacted;
}

function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(redactSecrets(JSON.stringify(value), secrets));
  } catch {
    return undefined;
  }
}

/**
 * How long HubSpot asks us to wait. `Retry-After` when sent ([R] in FACTS.md); otherwise the policy's
 * own window, as the official SDK's retry decorator assumes (10 s for the ten-secondly limit, 1 s for search).
 */
function retryAfterOf(status: number, headers: Record<string, string>, message: string): number | undefined {
  const header = Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
  const fromHeader = parseRetryAfter(header);
  if (fromHeader !== undefined) return fromHeader;
  if (status !== 429) return undefined;
  if (/secondly limit/i.test(message) && !/ten_secondly/i.test(message)) return 1_000;
  if (/daily limit/i.test(message)) return undefined;
  return 10_000;
}

export interface HubSpotErrorInput {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** Builds the CrmApiError for one HTTP answer (from the SDK or from `client.apiRequest`). */
export function crmErrorFromResponse(response: HubSpotErrorInput, operation: string, secrets: readonly string[] = []): CrmApiError {
  const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as Record<string, unknown>;
  const message = typeof body['message'] === 'string' ? body['message'] : typeof response.body === 'string' ? response.body : `HTTP ${response.status}`;
  const vendorCode = typeof body['category'] === 'string' ? body['category'] : typeof body['errorType'] === 'string' ? body['errorType'] : undefined;
  const details = {
    adapter: HUBSPOT_ADAPTER_ID,
    operation,
    message: redactSecrets(message, secrets),
    status: response.status,
    vendorCode,
    retryAfterMs: retryAfterOf(response.status, response.headers, message),
    responseBody: redactValue(response.body, secrets),
  };
  if (response.status === 401) return new CrmAuthenticationError({ ...details, message: `${details.message} (check the private app access token)` });
  if (response.status === 403) return new CrmPermissionError({ ...details, message: `${details.message} (the private app is missing a scope this call needs)` });
  // A daily limit will not clear within any reasonable retry; everything else follows the status.
  if (response.status === 429 && /daily limit/i.test(message)) return new CrmApiError({ ...details, isRetryable: false });
  return new CrmApiError(details);
}

/**
 * Turns whatever a HubSpot call threw into a `CrmApiError`: the SDK's `ApiException` (status, body,
 * headers), a network failure (no status, retryable), or anything else (not retryable: a bug, not a
 * vendor failure). Credentials never reach the error.
 */
export function toHubSpotError(error: unknown, operation: string, secrets: readonly string[] = []): CrmApiError {
  if (CrmApiError.isInstance(error)) return error;
  if (isSdkApiException(error)) return crmErrorFromResponse({ status: error.code, body: error.body, headers: error.headers ?? {} }, operation, secrets);
  const message = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
  if (isNetworkFailure(error)) {
    return new CrmApiError({ adapter: HUBSPOT_ADAPTER_ID, operation, message: `no answer from HubSpot (${message})`, isRetryable: true });
  }
  return new CrmApiError({ adapter: HUBSPOT_ADAPTER_ID, operation, message, isRetryable: false });
}
