import { CrmApiError } from '../errors';
import { createUnlimitedRateLimiter, type RateLimiter } from './rate-limiter';
import { withRetry, type RetryOptions } from './retry';

/** Runs every vendor call of an adapter: paced, retried, counted, errors normalised. */
export interface ApiCallRunner {
  /** `operation` names the call in errors, e.g. `contacts.batch.upsert`. */
  run<T>(operation: string, call: () => Promise<T>): Promise<T>;
  /** HTTP calls made so far, retries included (what the CRM counts against the budget). */
  readonly calls: number;
  /** Retries made so far. */
  readonly retries: number;
}

export interface ApiCallRunnerSettings {
  adapter: string;
  limiter?: RateLimiter;
  retry?: RetryOptions;
  /**
   * Turns whatever the vendor SDK threw into a `CrmApiError` (status, vendor code, Retry-After,
   * redacted body). Must not copy credentials into the error.
   */
  toError: (error: unknown, operation: string) => CrmApiError;
}

export function createApiCallRunner(settings: ApiCallRunnerSettings): ApiCallRunner {
  const limiter = settings.limiter ?? createUnlimitedRateLimiter();
  let calls = 0;
  let retries = 0;
  return {
    get calls() {
      return calls;
    },
    get retries() {
      return retries;
    },
    run<T>(operation: string, call: () => Promise<T>): Promise<T> {
      return withRetry(
        () =>
          limiter.schedule(async () => {
            calls += 1;
            try {
              return await call();
            } catch (error) {
              const crmError = CrmApiError.isInstance(error) ? error : settings.toError(error, operation);
              if (crmError.status === 429) limiter.backOff(crmError.retryAfterMs ?? 1000);
              throw crmError;
            }
          }),
        {
          ...settings.retry,
          onRetry: (info) => {
            retries += 1;
            settings.retry?.onRetry?.(info);
          },
        },
      );
    },
  };
}
