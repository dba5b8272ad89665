import type { RateLimiter } from '@optintrail/core';

/**
 * Mailchimp limits simultaneous connections (10 per user), not requests per second. This limiter
 * only caps calls in flight, and after a 429 starts nothing new until the back-off has passed.
 * For several processes sharing one account, pass a shared limiter instead (core's
 * `createRateLimiter` with `maxConcurrent` and a Redis cluster).
 */
export function createConnectionLimiter(maxConnections: number): RateLimiter {
  if (!Number.isInteger(maxConnections) || maxConnections < 1) throw new RangeError('maxConnections must be a positive integer');
  let active = 0;
  let pausedUntil = 0;
  const waiting: Array<() => void> = [];
  let wakeTimer: NodeJS.Timeout | undefined;

  const pump = () => {
    const pause = pausedUntil - Date.now();
    if (pause > 0) {
      if (!wakeTimer) {
        wakeTimer = setTimeout(() => {
          wakeTimer = undefined;
          pump();
        }, pause);
      }
      return;
    }
    while (active < maxConnections && waiting.length > 0) {
      active += 1;
      waiting.shift()!();
    }
  };

  return {
    async schedule<T>(task: () => Promise<T>): Promise<T> {
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        pump();
      });
      try {
        return await task();
      } finally {
        active -= 1;
        pump();
      }
    },
    backOff(retryAfterMs: number) {
      pausedUntil = Math.max(pausedUntil, Date.now() + retryAfterMs);
    },
    async stop() {
      if (wakeTimer) clearTimeout(wakeTimer);
      wakeTimer = undefined;
    },
  };
}
