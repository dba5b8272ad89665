import { describe, expect, it } from 'vitest';
import { batches, chunk, createApiCallRunner, createRateLimiter, CrmApiError, parseRetryAfter, withRetry } from '../src/index';

const apiError = (status: number | undefined, retryAfterMs?: number) =>
  new CrmApiError({ adapter: 'test', operation: 'op', message: 'failed', status, retryAfterMs });

describe('batches', () => {
  it('fills batches to the size and keeps the remainder', async () => {
    const sizes: number[] = [];
    for await (const batch of batches(Array.from({ length: 250 }, (_, index) => index), 100)) sizes.push(batch.length);
    expect(sizes).toEqual([100, 100, 50]);
  });

  it('pulls lazily from an async source: at most one batch is read ahead', async () => {
    let produced = 0;
    async function* source() {
      for (let index = 0; index < 1_000; index += 1) {
        produced += 1;
        yield index;
      }
    }
    const iterator = batches(source(), 10)[Symbol.asyncIterator]();
    await iterator.next();
    expect(produced).toBe(10);
    await iterator.return?.(undefined);
  });

  it('refuses a nonsense size', async () => {
    await expect(batches([1], 0).next()).rejects.toThrow(RangeError);
    expect(() => chunk([1], -1)).toThrow(RangeError);
    expect(chunk([1, 2, 3], 2)).toEqual([[1, 2], [3]]);
  });
});

describe('withRetry', () => {
  it('retries retryable errors and honours Retry-After over backoff', async () => {
    const delays: number[] = [];
    let attempts = 0;
    const result = await withRetry(
      async () => {
        attempts += 1;
        if (attempts === 1) throw apiError(429, 2_000);
        if (attempts === 2) throw apiError(503);
        return 'ok';
      },
      { sleep: async (ms) => void delays.push(ms), random: () => 0, baseDelayMs: 100 },
    );
    expect(result).toBe('ok');
    expect(delays).toEqual([2_000, 0]);
  });

  it('never retries a 4xx validation error', async () => {
    let attempts = 0;
    await expect(
      withRetry(
        async () => {
          attempts += 1;
          throw apiError(400);
        },
        { sleep: async () => undefined },
      ),
    ).rejects.toMatchObject({ status: 400 });
    expect(attempts).toBe(1);
  });

  it('gives up after maxAttempts with the last error', async () => {
    let attempts = 0;
    await expect(
      withRetry(
        async () => {
          attempts += 1;
          throw apiError(500);
        },
        { maxAttempts: 3, sleep: async () => undefined },
      ),
    ).rejects.toMatchObject({ status: 500 });
    expect(attempts).toBe(3);
  });

  it('backs off exponentially within the cap', async () => {
    const delays: number[] = [];
    await withRetry(
      async (attempt) => {
        if (attempt < 5) throw apiError(undefined);
        return attempt;
      },
      { sleep: async (ms) => void delays.push(ms), random: () => 0.999, baseDelayMs: 100, maxDelayMs: 500 },
    );
    expect(delays).toEqual([99, 199, 399, 499]);
  });

  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('rate limiter and call runner', () => {
  it('limits concurrency', async () => {
    const limiter = createRateLimiter({ maxRequests: 1_000, intervalMs: 1_000, maxConcurrent: 2 });
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        limiter.schedule(async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(2);
    await limiter.stop();
  });

  it('spaces requests evenly: with 5 per 10 s only the first starts at once', async () => {
    const limiter = createRateLimiter({ maxRequests: 5, intervalMs: 10_000 });
    let started = 0;
    const tasks = Array.from({ length: 5 }, () => limiter.schedule(async () => void (started += 1)).catch(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // minTime is 2 s: a burst of 5 would be allowed by a fixed-window reservoir, not here.
    expect(started).toBe(1);
    await limiter.stop({ dropWaiting: true });
    await Promise.all(tasks);
  });

  it('counts calls including retries and converts vendor errors', async () => {
    let attempts = 0;
    const runner = createApiCallRunner({
      adapter: 'test',
      retry: { sleep: async () => undefined },
      toError: (error, operation) => new CrmApiError({ adapter: 'test', operation, message: String(error), status: 502 }),
    });
    const value = await runner.run('thing.read', async () => {
      attempts += 1;
      if (attempts < 3) throw new Error('bad gateway');
      return 42;
    });
    expect(value).toBe(42);
    expect(runner.calls).toBe(3);
    expect(runner.retries).toBe(2);
  });
});

describe('planWrite', () => {
  it('refuses to append on top of the same ids with another chain', async () => {
    const { buildTrail, planWrite } = await import('../src/index');
    const inputs = [
      { subject: 'a@example.org', id: '0190b3a0-0000-7000-8000-000000000001', at: '2020-01-01T00:00:00Z', type: 'consent.given', purpose: 'newsletter', channel: 'email', source: { kind: 'web-form', name: 'Form' } },
      { subject: 'a@example.org', id: '0190b3a0-0000-7000-8000-000000000002', at: '2020-01-02T00:00:00Z', type: 'consent.renewed', purpose: 'newsletter', channel: 'email', source: { kind: 'web-form', name: 'Form' } },
    ];
    const local = buildTrail('a@example.org', inputs);
    const other = buildTrail('a@example.org', inputs.slice(0, 1)); // same id, another salt: another hash
    const ids = new Set([inputs[0]!.id]);
    expect(planWrite(local, { head: other.events[0]!.hash, eventIds: ids })).toMatch(/different content/);
    const plan = planWrite(local, { head: local.events[0]!.hash, eventIds: ids });
    expect(typeof plan === 'string' ? plan : plan.newEvents.map((event) => event.id)).toEqual([inputs[1]!.id]);
  });
});

describe('runPushPipeline failures list', () => {
  it('lists at most maxFailuresListed failures and counts them all', async () => {
    const { runPushPipeline } = await import('../src/index');
    const bad = Array.from({ length: 7 }, (_, index) => ({ subject: `bad${index}@example.org`, events: [] }));
    const report = await runPushPipeline(bad, { maxFailuresListed: 3 }, {
      adapter: 'test',
      batchSize: 100,
      apiCalls: () => 0,
      readExisting: async () => new Map(),
      write: async () => [],
    });
    expect(report.failed).toBe(7);
    expect(report.failures).toHaveLength(3);
  });
});
