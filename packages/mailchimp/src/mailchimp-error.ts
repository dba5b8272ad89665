import { CrmApiError, CrmAuthenticationError, CrmPermissionError, parseRetryAfter } from '@optintrail/core';
import type { MailchimpSdkError } from './mailchimp-sdk-types';

export const MAILCHIMP_ADAPTER_ID = 'mailchimp';

/** The parts of a Mailchimp problem+json body worth keeping. Never holds credentials. */
interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  errors?: Array<{ field?: string; message?: string }>;
}

/**
 * Turns what the official SDK rejected with (a superagent error) into a `CrmApiError`: 401 →
 * `CrmAuthenticationError`, 403 → `CrmPermissionError`, 429 / 5xx / no answer → retryable. The
 * vendor's problem `title` ("Member Exists", "Invalid Resource"…) becomes `vendorCode`. Only the
 * problem body is kept: the SDK's error also carries the request, Authorization header included,
 * so it is never attached as `cause`.
 */
export function toMailchimpError(error: unknown, operation: string): CrmApiError {
  const sdkError = (error ?? {}) as MailchimpSdkError;
  const status = typeof sdkError.status === 'number' ? sdkError.status : typeof sdkError.response?.status === 'number' ? sdkError.response.status : undefined;
  const body = readProblem(sdkError.response?.body);
  const retryAfterMs = parseRetryAfter(sdkError.response?.headers?.['retry-after']);
  const message = body?.title
    ? `${body.title}${body.detail ? `: ${body.detail}` : ''}${body.errors?.length ? ` (${body.errors.map((entry) => `${entry.field ?? ''}: ${entry.message ?? ''}`).join('; ')})` : ''}`
    : status === undefined
      ? `no answer from Mailchimp (${sdkError.code ?? (sdkError.timeout ? 'timeout' : 'network error')}); check the network, the server prefix or the base URL`
      : `HTTP ${status} without a problem body`;
  const details = {
    adapter: MAILCHIMP_ADAPTER_ID,
    operation,
    message,
    status,
    vendorCode: body?.title,
    retryAfterMs,
    responseBody: body,
  };
  if (status === 401) return new CrmAuthenticationError({ ...details, message: `${message}. Check the API key and that its -dc suffix matches the server prefix.` });
  if (status === 403) return new CrmPermissionError(details);
  return new CrmApiError(details);
}

function readProblem(body: unknown): ProblemBody | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const source = body as Record<string, unknown>;
  const problem: ProblemBody = {};
  for (const key of ['type', 'title', 'detail', 'instance'] as const) if (typeof source[key] === 'string') problem[key] = source[key] as string;
  if (typeof source.status === 'number') problem.status = source.status;
  if (Array.isArray(source.errors)) {
    problem.errors = source.errors.map((entry) => {
      const item = (entry ?? {}) as Record<string, unknown>;
      return { field: typeof item.field === 'string' ? item.field : undefined, message: typeof item.message === 'string' ? item.message : undefined };
    });
  }
  return Object.keys(problem).length > 0 ? problem : undefined;
}
