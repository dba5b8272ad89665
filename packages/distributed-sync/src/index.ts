/**
 * `@optintrail/distributed-sync`: several sync workers on one CRM account, through Redis — one
 * shared rate budget (Bottleneck's Redis datastore) and one shared cursor (a Redis work queue).
 */
export { createRedisWorkQueue } from './redis-work-queue';
export type { RedisWorkQueue, RedisWorkQueueSettings, WorkRange } from './redis-work-queue';
export { createSharedRateLimiter } from './shared-rate-limiter';
export type { SharedRateLimiterSettings } from './shared-rate-limiter';
