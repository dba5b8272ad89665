import { createRateLimiter, type RateLimiter, type RateLimitSettings } from '@optintrail/core';
import Redis from 'ioredis';

export interface SharedRateLimiterSettings extends Omit<RateLimitSettings, 'cluster'> {
  /**
   * Names the budget: every worker passing the same id shares it, e.g. `hubspot-portal-12345678`.
   * One CRM account, one id.
   */
  id: string;
  /** Where Redis listens. Default 127.0.0.1:6379. */
  redis?: { host?: string; port?: number; password?: string; db?: number };
}

/**
 * One CRM account's rate budget shared by every worker process that uses the same `id`: core's
 * limiter with Bottleneck's Redis datastore. The spacing between calls and the calls in flight are
 * decided in Redis (Lua scripts, atomically), so N workers together never go faster than one would.
 * Give it to an adapter as its limiter (`createHubSpotAdapter({ rateLimit: limiter })`,
 * `createMailchimpAdapter({ limiter })`, `createSalesforceAdapter({ limiter })`).
 */
export function createSharedRateLimiter(settings: SharedRateLimiterSettings): RateLimiter {
  const { id, redis, ...budget } = settings;
  return createRateLimiter({
    ...budget,
    cluster: {
      id,
      datastore: 'ioredis',
      // Handed over so Bottleneck needs no `require('ioredis')` of its own.
      Redis,
      clientOptions: { host: redis?.host ?? '127.0.0.1', port: redis?.port ?? 6379, ...(redis?.password ? { password: redis.password } : {}), ...(redis?.db !== undefined ? { db: redis.db } : {}) },
      // A limiter left behind by a crashed worker expires instead of holding the budget.
      timeout: 60_000,
    },
  });
}
