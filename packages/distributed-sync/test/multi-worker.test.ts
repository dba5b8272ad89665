import { PAYLOAD_MARKER } from '@optintrail/core';
import { createHubSpotAdapter } from '@optintrail/hubspot';
import { startHubSpotEmulator, type HubSpotEmulator } from '@optintrail/hubspot/testing';
import Redis from 'ioredis';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisWorkQueue } from '../src/index';
import { hasRedisServerBinary, redisForTests, type RedisForTests } from './redis-server';

// Locally without Redis and without a redis-server binary there is nothing to run against; in CI
// (`CI` set) the suite always runs and fails loudly if .ci/run did not start Redis.
const canRun = Boolean(process.env['CI']) || hasRedisServerBinary || Boolean(process.env['REDIS_PORT']);

/** HubSpot's budget, scaled for the test: 20 calls per rolling second (190 per 10 s at another scale). */
const EMULATOR_BUDGET = 20;
/** What the workers share: a little under the emulator's budget, as a real deployment would. */
const SHARED_BUDGET = 18;
const WINDOW_MS = 1_000;

interface WorkerOutcome {
  workerId: string;
  code: number | null;
  done?: Array<{ from: number; to: number }>;
  crashed?: { from: number; to: number };
}

describe.skipIf(!canRun)('several workers on one CRM account, through Redis', () => {
  let redisServer: RedisForTests;
  let redis: Redis;
  let emulator: HubSpotEmulator;

  beforeAll(async () => {
    redisServer = await redisForTests();
    redis = new Redis({ host: '127.0.0.1', port: redisServer.port, maxRetriesPerRequest: 2 });
    emulator = await startHubSpotEmulator({ rateLimit: { perTenSeconds: EMULATOR_BUDGET, timeScale: 10 } });
    await createHubSpotAdapter({ accessToken: 'schema-token', basePath: emulator.url, rateLimit: false }).ensureSchema();
  });
  afterAll(async () => {
    await redis?.quit();
    await emulator?.close();
    await redisServer?.stop();
  });

  function runWorker(workerId: string, names: { queue: string; budget: string }, extra: Record<string, string> = {}): Promise<WorkerOutcome> {
    const child = fork(fileURLToPath(new URL('./sync-worker.mjs', import.meta.url)), [], {
      env: {
        ...process.env,
        WORKER_ID: workerId,
        EMULATOR_URL: emulator.url,
        REDIS_PORT: String(redisServer.port),
        QUEUE_NAME: names.queue,
        BUDGET_ID: names.budget,
        MAX_REQUESTS: String(SHARED_BUDGET),
        INTERVAL_MS: String(WINDOW_MS),
        ...extra,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: ['--import', 'tsx'],
    });
    const outcome: WorkerOutcome = { workerId, code: null };
    child.on('message', (message: Partial<WorkerOutcome>) => Object.assign(outcome, message));
    return new Promise((resolve) => child.once('exit', (code) => resolve({ ...outcome, code })));
  }

  function optinNotes(email: string): number {
    const contact = emulator.state.contactByEmail(email);
    return contact ? emulator.state.notesForContact(contact.id).filter((note) => (note.properties['hs_note_body'] ?? '').includes(PAYLOAD_MARKER)).length : -1;
  }

  /** How often each email was sent in a contact upsert, over every call the emulator recorded. */
  function upsertsByEmail(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const call of emulator.calls) {
      if (call.path !== '/crm/v3/objects/contacts/batch/upsert' || call.status >= 300) continue;
      for (const input of (call.requestBodyJson as { inputs: Array<{ id: string }> }).inputs) counts.set(input.id, (counts.get(input.id) ?? 0) + 1);
    }
    return counts;
  }

  /** The most calls the emulator started within any window of `WINDOW_MS`, from its own log. */
  function busiestWindow(): number {
    const starts = emulator.calls.map((call) => call.startedAt).sort((a, b) => a - b);
    let busiest = 0;
    for (let first = 0, last = 0; last < starts.length; last += 1) {
      while (starts[last]! - starts[first]! >= WINDOW_MS) first += 1;
      busiest = Math.max(busiest, last - first + 1);
    }
    return busiest;
  }

  it('three workers share the budget and the queue: every contact synced once, no 429, no window over budget', async () => {
    const names = { queue: `optintrail-test-${randomUUID()}`, budget: `hubspot-test-${randomUUID()}` };
    const contacts = 900;
    const queue = createRedisWorkQueue({ redis, name: names.queue });
    expect(await queue.fill(contacts, 50)).toBe(true);
    // Another worker starting later does not fill it again.
    expect(await queue.fill(contacts, 50)).toBe(false);
    emulator.calls.length = 0;

    const outcomes = await Promise.all(['worker-a', 'worker-b', 'worker-c'].map((workerId) => runWorker(workerId, names)));
    expect(outcomes.map((outcome) => outcome.code)).toEqual([0, 0, 0]);

    // The cursor: 18 ranges, each pushed by exactly one worker, together covering the audience.
    const ranges = outcomes.flatMap((outcome) => outcome.done ?? []).sort((a, b) => a.from - b.from);
    expect(ranges).toHaveLength(18);
    expect(ranges.map((range) => range.from)).toEqual(Array.from({ length: 18 }, (_, index) => index * 50));
    expect(outcomes.filter((outcome) => (outcome.done?.length ?? 0) > 0).length).toBeGreaterThanOrEqual(2);
    expect(await queue.counts()).toEqual({ pending: 0, processing: 0, done: 18 });

    // No contact synced twice: one upsert per address, and three notes (its three events) each.
    const upserts = upsertsByEmail();
    expect(upserts.size).toBe(contacts);
    expect([...upserts.values()].every((count) => count === 1)).toBe(true);
    for (let index = 0; index < contacts; index += 1) expect(optinNotes(`worker.subscriber.${index}@example.org`)).toBe(3);
    // Batches filled across contacts: 50 contacts per upsert, notes 100 per call (150 notes: 100 + 50).
    const noteBatchSizes = emulator.calls.filter((call) => call.path === '/crm/v3/objects/notes/batch/create').map((call) => (call.requestBodyJson as { inputs: unknown[] }).inputs.length);
    expect(noteBatchSizes.filter((size) => size === 100)).toHaveLength(18);

    // The shared budget held, counted on the emulator's side: no 429, never more than the budget in a window.
    expect(emulator.calls.filter((call) => call.status === 429)).toEqual([]);
    expect(emulator.calls.length).toBe(18 * 3);
    expect(busiestWindow()).toBeLessThanOrEqual(EMULATOR_BUDGET);
    await queue.clear();
  });

  it('a worker that dies holding a range: the range is requeued, another worker finishes it, nothing is written twice', async () => {
    const names = { queue: `optintrail-test-${randomUUID()}`, budget: `hubspot-test-${randomUUID()}` };
    const queue = createRedisWorkQueue({ redis, name: names.queue });
    // Addresses after the first test's, so this test starts from contacts HubSpot does not have.
    const first = 1_000;
    await queue.fill(first + 300, 50);
    // The first test's part of the audience is already synced: drop those ranges from this queue.
    for (let claimed = 0; claimed < first / 50; claimed += 1) {
      const range = await queue.claim('setup');
      await queue.complete('setup', range!);
    }
    emulator.calls.length = 0;

    const crashed = await runWorker('worker-crashing', names, { STOP_AFTER_CLAIMS: '1' });
    expect(crashed.code).toBe(3);
    expect(crashed.done).toBeUndefined();
    expect(crashed.crashed).toBeDefined();
    expect((await queue.counts()).processing).toBe(1);

    expect(await queue.requeue('worker-crashing')).toEqual([crashed.crashed]);
    const rescuer = await runWorker('worker-rescuer', names);
    expect(rescuer.code).toBe(0);
    expect(rescuer.done).toContainEqual(crashed.crashed);
    expect(await queue.counts()).toMatchObject({ pending: 0, processing: 0 });

    const upserts = upsertsByEmail();
    for (let index = first; index < first + 300; index += 1) {
      const email = `worker.subscriber.${index}@example.org`;
      expect(optinNotes(email)).toBe(3);
      // The crashed worker's first range was pushed by it and acknowledged: never pushed again.
      expect(upserts.get(email)).toBe(1);
    }
    await queue.clear();
  });
});
