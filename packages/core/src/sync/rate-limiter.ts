import Bottleneck from 'bottleneck';

/** Paces calls to one CRM account. Backed by Bottleneck, locally or in Redis for several workers. */
export interface RateLimiter {
  /** Runs `task` when the budget allows. */
  schedule<T>(task: () => Promise<T>): Promise<T>;
  /**
   * Tells the limiter the CRM answered 429: nothing starts before `retryAfterMs` has passed, and an
   * adaptive limiter halves the calls it lets run at once.
   */
  backOff(retryAfterMs: number): void;
  /**
   * Releases resources (Redis connections). By default waits for queued tasks to run;
   * `dropWaiting` rejects them instead.
   */
  stop(options?: { dropWaiting?: boolean }): Promise<void>;
  /** Calls allowed in flight right now (null: no cap). Moves with `adaptive`. */
  readonly concurrency?: number | null;
}

/** Adaptive concurrency: additive increase, multiplicative decrease (as TCP does with its window). */
export interface AdaptiveConcurrencySettings {
  /** Never fewer calls in flight than this. Default 1. */
  min?: number;
  /** Never more than this; also where it starts. Default `maxConcurrent`, else 16. */
  max?: number;
  /** Clean answers in a row before one more call may run at once. Default 20. */
  increaseAfter?: number;
}

export interface RateLimitSettings {
  /** Requests allowed per interval, e.g. 190 (HubSpot private app, per 10 s). */
  maxRequests: number;
  /** Interval in ms, e.g. 10,000. */
  intervalMs: number;
  /** Requests in flight at once (Mailchimp: 10 connections). Default: unlimited (pacing only). */
  maxConcurrent?: number;
  /**
   * How much later than planned a request may reach the CRM's counter, default 150 ms: the spacing
   * leaves that much slack per window, so a call held up (a busy event loop, a GC pause, the network)
   * while a later one is not never makes a rolling window hold `maxRequests + 1`. At 190 per 10 s it
   * costs 1.5 % of the budget, less than the 429s and retries it prevents (measured: 100 429s in 4,000
   * calls with 50 ms and sixteen batches in flight, none with 150).
   */
  arrivalJitterMs?: number;
  /**
   * Halve the calls in flight on each 429 and add one back after `increaseAfter` clean answers, between
   * `min` and `max`. `true` uses the defaults. Default off: the pacing alone keeps within the budget.
   */
  adaptive?: boolean | AdaptiveConcurrencySettings;
  /**
   * Bottleneck clustering options, e.g. `{ id: 'hubspot-portal-123', datastore: 'ioredis',
   * clientOptions: { host: '127.0.0.1' } }`, so several processes share one budget: the spacing and
   * the calls in flight are kept in Redis, so N workers together never go faster than one would.
   */
  cluster?: Pick<Bottleneck.ConstructorOptions, 'id' | 'datastore' | 'clientOptions' | 'clusterNodes' | 'connection' | 'clearDatastore' | 'timeout' | 'Redis'>;
}

/**
 * A limiter that spaces requests evenly (`minTime = (interval + arrivalJitterMs) / maxRequests`). Even spacing keeps any
 * rolling window of `intervalMs` under `maxRequests`, which a fixed-window reservoir does not (two
 * full windows back to back burst at twice the rate and earn 429s from a rolling-window API).
 * Bottleneck plans each start from the previous planned start, so a late timer does not slow the
 * pace down, and a start never comes earlier than planned.
 */
export function createRateLimiter(settings: RateLimitSettings): RateLimiter {
  if (!(settings.maxRequests > 0) || !(settings.intervalMs > 0)) {
    throw new RangeError('maxRequests and intervalMs must be positive');
  }
  const adaptive = settings.adaptive ? (settings.adaptive === true ? {} : settings.adaptive) : undefined;
  const maxConcurrent = adaptive ? (adaptive.max ?? settings.maxConcurrent ?? 16) : (settings.maxConcurrent ?? null);
  const minConcurrent = Math.max(1, adaptive?.min ?? 1);
  const increaseAfter = Math.max(1, adaptive?.increaseAfter ?? 20);
  if (maxConcurrent !== null && (!Number.isInteger(maxConcurrent) || maxConcurrent < minConcurrent)) {
    throw new RangeError('maxConcurrent (or adaptive.max) must be an integer of at least adaptive.min');
  }
  const jitter = Math.max(0, settings.arrivalJitterMs ?? 150);
  const spacing = (settings.intervalMs + jitter) / settings.maxRequests;
  const bottleneck = new Bottleneck({
    // Not rounded locally: at 190 per 10 s, 53 ms instead of 52.6 would cost 0.7 % of the budget.
    // Bottleneck's Redis scripts take whole milliseconds (a fraction stalls them): rounded up there.
    minTime: settings.cluster ? Math.ceil(spacing) : spacing,
    maxConcurrent,
    ...settings.cluster,
  });
  let pausedUntil = 0;
  let concurrency = maxConcurrent;
  let cleanInARow = 0;

  const setConcurrency = (next: number) => {
    if (next === concurrency) return;
    concurrency = next;
    bottleneck.updateSettings({ maxConcurrent: next });
  };

  return {
    async schedule<T>(task: () => Promise<T>): Promise<T> {
      return bottleneck.schedule(async () => {
        const wait = pausedUntil - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const result = await task();
        if (adaptive && concurrency !== null && concurrency < maxConcurrent!) {
          cleanInARow += 1;
          if (cleanInARow >= increaseAfter) {
            cleanInARow = 0;
            setConcurrency(concurrency + 1);
          }
        }
        return result;
      });
    },
    backOff(retryAfterMs: number) {
      pausedUntil = Math.max(pausedUntil, Date.now() + retryAfterMs);
      cleanInARow = 0;
      if (adaptive && concurrency !== null) setConcurrency(Math.max(minConcurrent, Math.floor(concurrency / 2)));
    },
    get concurrency() {
      return concurrency;
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
    concurrency: null,
  };
}
