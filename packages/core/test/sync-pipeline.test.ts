import { describe, expect, it } from 'vitest';
import {
  buildTrail,
  createApiCallRunner,
  createRateLimiter,
  CrmApiError,
  RATE_LIMIT_PRESETS,
  runPushPipeline,
  scaleRateLimit,
  type ExistingTrailInfo,
  type PlannedWrite,
  type PushPipelineSettings,
  type Trail,
} from '../src/index';

function trailOf(index: number): Trail {
  const subject = `subscriber.${index}@example.org`;
  return buildTrail(subject, [
    { subject, at: '2012-09-19T09:30:00Z', type: 'consent.given', purpose: 'newsletter', channel: 'email', source: { kind: 'event', name: 'Salon' } },
  ]);
}

const trails = Array.from({ length: 10 }, (_, index) => trailOf(index));

/** A CRM in memory that records each write and lets the test decide when each batch's write ends. */
function fakeCrm(options: { holdWrites?: boolean } = {}) {
  const stored = new Map<string, string>();
  const writes: string[][] = [];
  const readsWithTrails: number[] = [];
  let inFlight = 0;
  let peakInFlight = 0;
  const releases: Array<() => void> = [];
  const settings: PushPipelineSettings = {
    adapter: 'fake',
    batchSize: 2,
    async readExisting(subjects, batchTrails) {
      readsWithTrails.push(batchTrails.size);
      const found = new Map<string, ExistingTrailInfo>();
      for (const subject of subjects) {
        const head = stored.get(subject);
        if (head) found.set(subject, { head, length: 1 });
      }
      return found;
    },
    async write(plan: PlannedWrite[]) {
      inFlight += 1;
      peakInFlight = Math.max(peakInFlight, inFlight);
      if (options.holdWrites) await new Promise<void>((resolve) => releases.push(resolve));
      writes.push(plan.map((item) => item.trail.subject));
      for (const item of plan) stored.set(item.trail.subject, item.trail.events.at(-1)!.hash);
      inFlight -= 1;
      return [];
    },
    apiCalls: () => writes.length,
  };
  return { settings, stored, writes, readsWithTrails, releases, peak: () => peakInFlight };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('push pipeline', () => {
  it('hands the batch trails to readExisting and fills batches to the batch size', async () => {
    const crm = fakeCrm();
    const report = await runPushPipeline(trails, {}, crm.settings);
    expect(crm.readsWithTrails).toEqual([2, 2, 2, 2, 2]);
    expect(crm.writes.map((batch) => batch.length)).toEqual([2, 2, 2, 2, 2]);
    expect(report.subjectsWritten).toBe(10);
    expect(report.cursor).toBe('subjects:10');
  });

  it('coalesces a subject appearing twice in a batch into one write of its longer trail', async () => {
    const crm = fakeCrm();
    const first = trailOf(1);
    const report = await runPushPipeline([first, first], {}, crm.settings);
    expect(crm.writes).toEqual([[first.subject]]);
    expect(report.subjectsRead).toBe(2);
    expect(report.subjectsWritten).toBe(1);
  });

  it('keeps at most `concurrency` batches in flight and moves the cursor only past finished prefixes', async () => {
    const crm = fakeCrm({ holdWrites: true });
    const cursors: Array<string | undefined> = [];
    const running = runPushPipeline(trails, { onProgress: (progress) => cursors.push(progress.cursor) }, { ...crm.settings, concurrency: 3 });
    while (crm.releases.length < 3) await tick();
    await tick();
    // Three batches wait on the CRM; the fourth is not even read from the input yet.
    expect(crm.releases).toHaveLength(3);
    // The second batch finishes first: counted, but the cursor cannot pass the unfinished first one.
    crm.releases[1]!();
    while (cursors.length < 1) await tick();
    expect(cursors).toEqual([undefined]);
    crm.releases[0]!();
    while (cursors.length < 2) await tick();
    expect(cursors[1]).toBe('subjects:4');
    for (let index = 2; index < 5; index += 1) {
      while (crm.releases.length <= index) await tick();
      crm.releases[index]!();
    }
    const report = await running;
    expect(crm.peak()).toBe(3);
    expect(report.cursor).toBe('subjects:10');
    expect(report.subjectsWritten).toBe(10);
  });

  it('never runs two batches holding the same subject at once', async () => {
    const crm = fakeCrm({ holdWrites: true });
    const zero = trailOf(0);
    const input = [zero, trailOf(1), zero, trailOf(3)];
    const running = runPushPipeline(input, {}, { ...crm.settings, concurrency: 2 });
    while (crm.releases.length < 1) await tick();
    for (let spin = 0; spin < 20; spin += 1) await tick();
    // The second batch repeats subscriber.0: it waits for the first instead of reading "not there yet".
    expect(crm.releases).toHaveLength(1);
    crm.releases[0]!();
    while (crm.releases.length < 2) await tick();
    crm.releases[1]!();
    const report = await running;
    expect(crm.writes).toEqual([[zero.subject, input[1]!.subject], [input[3]!.subject]]);
    expect(report.subjectsUnchanged).toBe(1);
  });

  it('tells the adapter once per batch that it is done, whether it was written, unchanged or failed', async () => {
    const crm = fakeCrm();
    const done: string[][] = [];
    await runPushPipeline(trails.slice(0, 4), {}, { ...crm.settings, batchDone: (subjects) => done.push(subjects) });
    expect(done).toEqual([trails.slice(0, 2).map((trail) => trail.subject), trails.slice(2, 4).map((trail) => trail.subject)]);
    // Unchanged (nothing to write) and a read that throws still end their batch.
    done.length = 0;
    let reads = 0;
    const failing: PushPipelineSettings = {
      ...crm.settings,
      readExisting: async (subjects, batchTrails) => {
        reads += 1;
        if (reads === 2) throw new Error('read failed');
        return crm.settings.readExisting(subjects, batchTrails);
      },
      batchDone: (subjects) => done.push(subjects),
    };
    const report = await runPushPipeline(trails.slice(0, 4), {}, failing);
    expect(report.subjectsUnchanged).toBe(2);
    expect(report.failed).toBe(2);
    expect(done.map((subjects) => subjects.length)).toEqual([2, 2]);
  });

  it('stops between batches and resumes from the cursor without writing anything twice', async () => {
    const crm = fakeCrm();
    const controller = new AbortController();
    const first = await runPushPipeline(
      trails,
      {
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.subjectsRead >= 4) controller.abort();
        },
      },
      crm.settings,
    );
    expect(first.subjectsRead).toBe(4);
    expect(first.cursor).toBe('subjects:4');
    const resumed = await runPushPipeline(trails, { resumeAfter: first.cursor! }, crm.settings);
    expect(resumed.subjectsRead).toBe(6);
    const written = crm.writes.flat();
    expect(written).toHaveLength(10);
    expect(new Set(written).size).toBe(10);
  });
});

describe('rate limit presets and adaptive concurrency', () => {
  it('carries the published budgets per account tier', () => {
    expect(RATE_LIMIT_PRESETS.hubspot.professional).toMatchObject({ maxRequests: 190, intervalMs: 10_000 });
    expect(RATE_LIMIT_PRESETS.hubspot.starter.maxRequests).toBe(100);
    expect(RATE_LIMIT_PRESETS.hubspot['capacity-pack'].maxRequests).toBe(250);
    expect(RATE_LIMIT_PRESETS.mailchimp.default.maxConcurrent).toBe(10);
    expect(scaleRateLimit(RATE_LIMIT_PRESETS.hubspot.professional, 10).intervalMs).toBe(1_000);
  });

  it('halves the calls in flight on a 429 and adds one back after clean answers', async () => {
    const limiter = createRateLimiter({ maxRequests: 10_000, intervalMs: 1_000, adaptive: { min: 1, max: 8, increaseAfter: 2 } });
    const runner = createApiCallRunner({
      adapter: 'test',
      limiter,
      retry: { maxAttempts: 1 },
      toError: (error, operation) => new CrmApiError({ adapter: 'test', operation, message: String(error), status: 500 }),
    });
    expect(limiter.concurrency).toBe(8);
    const limited = () => runner.run('op', async () => Promise.reject(new CrmApiError({ adapter: 'test', operation: 'op', message: 'slow down', status: 429, retryAfterMs: 0 })));
    await expect(limited()).rejects.toMatchObject({ status: 429 });
    expect(limiter.concurrency).toBe(4);
    await expect(limited()).rejects.toMatchObject({ status: 429 });
    await expect(limited()).rejects.toMatchObject({ status: 429 });
    await expect(limited()).rejects.toMatchObject({ status: 429 });
    expect(limiter.concurrency).toBe(1);
    for (let index = 0; index < 4; index += 1) await runner.run('op', async () => 'ok');
    expect(limiter.concurrency).toBe(3);
    await limiter.stop();
  });

  it('keeps to the concurrency it settled on', async () => {
    const limiter = createRateLimiter({ maxRequests: 10_000, intervalMs: 1_000, adaptive: { min: 1, max: 4, increaseAfter: 1_000 } });
    limiter.backOff(0);
    expect(limiter.concurrency).toBe(2);
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
});
