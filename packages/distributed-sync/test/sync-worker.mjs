// One sync worker process: claims ranges of the shared audience from the Redis work queue and pushes
// them into HubSpot (the emulator) through the shared rate budget, until the queue is empty.
// Settings come from the environment (see multi-worker.test.ts).
import { buildTrail } from '@optintrail/core';
import { createHubSpotAdapter } from '@optintrail/hubspot';
import { createHash } from 'node:crypto';
import Redis from 'ioredis';
// Run through tsx (the test forks it with `--import tsx`), so the package needs no build to be tested.
import { createRedisWorkQueue, createSharedRateLimiter } from '../src/index.ts';

const { WORKER_ID, EMULATOR_URL, REDIS_PORT, QUEUE_NAME, BUDGET_ID, MAX_REQUESTS, INTERVAL_MS, STOP_AFTER_CLAIMS } = process.env;

/** The same trail for the same index in every process: ids and salts derive from the index. */
function trailAt(index) {
  const subject = `worker.subscriber.${index}@example.org`;
  let counter = 0;
  const randomBytes = (length) => {
    const bytes = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 32) {
      bytes.set(createHash('sha256').update(`${index}:${counter++}`).digest().subarray(0, Math.min(32, length - offset)), offset);
    }
    return bytes;
  };
  return buildTrail(
    subject,
    [
      { subject, at: '2012-09-19T09:30:00Z', type: 'consent.given', purpose: 'newsletter', channel: 'email', source: { kind: 'event', name: 'Salon E-commerce Paris' } },
      { subject, at: '2012-09-19T09:30:01Z', type: 'data.collected', source: { kind: 'event', name: 'Salon E-commerce Paris' }, fields: [{ name: 'firstName', value: 'Camille' }] },
      { subject, at: '2012-09-20T07:00:00Z', type: 'consent.confirmed', purpose: 'newsletter', channel: 'email', source: { kind: 'web-form', name: 'Confirmation link' } },
    ],
    { randomBytes },
  );
}

const redis = new Redis({ host: '127.0.0.1', port: Number(REDIS_PORT), maxRetriesPerRequest: 2 });
const queue = createRedisWorkQueue({ redis, name: QUEUE_NAME });
const limiter = createSharedRateLimiter({ id: BUDGET_ID, maxRequests: Number(MAX_REQUESTS), intervalMs: Number(INTERVAL_MS), redis: { port: Number(REDIS_PORT) } });
const adapter = createHubSpotAdapter({ accessToken: 'worker-token', basePath: EMULATOR_URL, rateLimit: limiter, concurrency: 1 });

const pushed = [];
let claims = 0;
for (;;) {
  const range = await queue.claim(WORKER_ID);
  if (!range) break;
  claims += 1;
  // A worker told to stop "crashes" holding its range: it neither pushes nor acknowledges it.
  if (STOP_AFTER_CLAIMS && claims > Number(STOP_AFTER_CLAIMS)) {
    process.send?.({ crashed: range });
    process.exit(3);
  }
  const trails = [];
  for (let index = range.from; index < range.to; index += 1) trails.push(trailAt(index));
  const report = await adapter.push(trails);
  if (report.failures.length > 0) throw new Error(`worker ${WORKER_ID}: ${report.failures[0].reason}`);
  await queue.complete(WORKER_ID, range);
  pushed.push(range);
}
await limiter.stop();
await redis.quit();
process.send?.({ done: pushed });
process.exit(0);
