import { CrmApiError } from '../errors';

/** Details of one retry, for logs and tests. Holds no request data. */
export interface RetryInfo {
  /** The attempt that failed, from 1. */
  attempt: number;
  /** How long we wait before the next attempt. */
  delayMs: number;
  error: unknown;
}

export interface RetryOptions {
  /** Attempts in all, the first included. Default 6. */
  maxAttempts?: number;
  /** First backoff delay. Default 500 ms; doubles each attempt. */
  baseDelayMs?: number;
  /** Upper bound for one backoff delay. Default 30 s. */
  maxDelayMs?: number;
  /** Upper bound for a server-asked Retry-After; longer asks fail at once. Default 120 s. */
  maxRetryAfterMs?: number;
  /** Which errors are worth another attempt. Default: `CrmApiError.isRetryable`, plus network errors. */
  isRetryable?: (error: unknown) => boolean;
  onRetry?: (info: RetryInfo) => void;
  signal?: AbortSignal;
  /** Injectable for tests. */
  sleep?: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable for tests: a number in [0, 1). */
  random?: () => number;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET', 'ECONNABORTED']);

export function isRetryableError(error: unknown): boolean {
  if (CrmApiError.isInstance(error)) return error.isRetryable;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `operation` until it succeeds, the error is not retryable, or attempts run out.
 * A server's Retry-After (`CrmApiError.retryAfterMs`) wins over the backoff schedule; otherwise the
 * delay is exponential with full jitter. Hand-written because the retry libraries on npm cannot take
 * a per-error delay, which is what honouring Retry-After needs.
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 6;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
  const isRetryable = options.isRetryable ?? isRetryableError;
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= maxAttempts || !isRetryable(error) || options.signal?.aborted) throw error;
      const retryAfterMs = CrmApiError.isInstance(error) ? error.retryAfterMs : undefined;
      if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) throw error;
      const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const delayMs = retryAfterMs !== undefined ? retryAfterMs + Math.floor(random() * 100) : Math.floor(random() * backoff);
      options.onRetry?.({ attempt, delayMs, error });
      await wait(delayMs, options.signal);
    }
  }
}

/** Reads a Retry-After header (seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
