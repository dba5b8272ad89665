import Bottleneck from 'bottleneck';

/** Paces calls to one CRM account. Backed by Bottleneck, locally or in Redis for several workers. */
export interface RateLimiter {
  /** Runs `task` when the budget allows. */
  schedule<T>(task: () => Promise<T>): Promise<T>;
  /** Tells the limiter the CRM answered 429: nothing starts before `retryAfterMs` has passed. */
  backOff(retryAfterMs: number): void;
  /**
   * Releases resources (Redis connections). By default waits for queued tasks to run;
   * `dropWaiting` rejects them instead.
   */
  stop(options?: { dropWaiting?: boolean }): Promise<void>;
}

export interface RateLimitSettings {
  /** Requests allowed per interval, e.g. 190 (HubSpot private app, per 10 s). */
  maxRequests: number;
  /** Interval in ms, e.g. 10,000. */
  intervalMs: number;
  /** Requests in flight at once (Mailchimp: 10 connections). Default: unlimited (pacing only). */
  maxConcurrent?: number;
  /**
   * Bottleneck clustering options, e.g. `{ id: 'hubspot-portal-123', datastore: 'ioredis',
   * clientOptions: { host: '127.0.0.1' } }`, so several processes share one budget.
   */
  cluster?: Pick<Bottleneck.ConstructorOptions, 'id' | 'datastore' | 'clientOptions' | 'clusterNodes' | 'connection' | 'clearDatastore' | 'timeout'>;
}

/**
 * A limiter that spaces requests evenly (`minTime = interval / maxRequests`). Even spacing keeps any
 * rolling window of `intervalMs` under `maxRequests`, which a fixed-window reservoir does not (two
 * full windows back to back burst at twice the rate and earn 429s from a rolling-window API).
 */
export function createRateLimiter(settings: RateLimitSettings): RateLimiter {
  if (!(settings.maxRequests > 0) || !(settings.intervalMs > 0)) {
    throw new RangeError('maxRequests and intervalMs must be positive');
  }
  const bottleneck = new Bottleneck({
    minTime: Math.ceil(settings.intervalMs / settings.maxRequests),
    maxConcurrent: settings.maxConcurrent ?? null,
    ...settings.cluster,
  });
  let pausedUntil = 0;
  return {
    async schedule<T>(task: () => Promise<T>): Promise<T> {
      return bottleneck.schedule(async () => {
        const wait = pausedUntil - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        return task();
      });
    },
    backOff(retryAfterMs: number) {
      pausedUntil = Math.max(pausedUntil, Date.now() + retryAfterMs);
    },
    async stop(options) {
      await bottleneck.stop({ dropWaitingJobs: options?.dropWaiting ?? false });
      await bottleneck.disconnect().catch(() => undefined);
    },
  };
}

/** A limiter that does not limit, for emulator tests that are not about pacing. */
export function createUnlimitedRateLimiter(): RateLimiter {
  return {
    schedule: (task) => task(),
    backOff: () => undefined,
    stop: async () => undefined,
  };
}
