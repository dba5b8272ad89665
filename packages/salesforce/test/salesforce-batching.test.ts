import { sampleTrail } from '@optintrail/adapter-test';
import { ValidationError, type Trail } from '@optintrail/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceAdapter, DEFAULT_SALESFORCE_COMPOSITE_BATCH_SIZE, salesforceSchemaNames, type SalesforceAdapterSettings } from '../src';
import { startSalesforceEmulator, type RecordedCall, type SalesforceEmulator } from '../src/testing';

// Composite batches sized so a batch's read takes one Composite call and its writes fill every
// Composite call: counted from the calls the emulator recorded, never from timing.

const TOKEN = 'batching-session';
const names = salesforceSchemaNames();
let emulator: SalesforceEmulator;

function adapter(overrides: Partial<SalesforceAdapterSettings> = {}) {
  return createSalesforceAdapter({ instanceUrl: emulator.url, accessToken: TOKEN, consentInterop: false, retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...overrides });
}

/** `count` subjects whose addresses are all `length` characters long. */
function trails(count: number, length = 30): Trail[] {
  return Array.from({ length: count }, (_, index) => {
    const local = `p${String(index).padStart(6, '0')}`;
    const domain = `${'d'.repeat(length - local.length - 1 - '.example'.length)}.example`;
    const email = `${local}@${domain}`;
    expect(email).toHaveLength(length);
    return sampleTrail(email);
  });
}

interface Subrequest {
  method: string;
  url: string;
  body?: { records?: unknown[] };
}

function subrequestsOf(call: RecordedCall): Subrequest[] {
  return (call.requestBodyJson as { compositeRequest: Subrequest[] }).compositeRequest;
}

/** Composite calls whose subrequests are all queries (reads), and the others (writes). */
function compositeCalls(calls: RecordedCall[]) {
  const composite = calls.filter((call) => call.method === 'POST' && call.path === '/services/data/v62.0/composite');
  const isRead = (call: RecordedCall) => subrequestsOf(call).every((subrequest) => subrequest.method === 'GET');
  return { all: composite, reads: composite.filter(isRead), writes: composite.filter((call) => !isRead(call)) };
}

/** The SOQL of a query subrequest and the addresses it lists (each once). */
function queryOf(subrequest: Subrequest): { soql: string; subjects: string[] } {
  const soql = new URL(subrequest.url, 'http://salesforce.invalid').searchParams.get('q') ?? '';
  const emailList = /Email IN \(([^)]*)\)/.exec(soql)?.[1] ?? '';
  return { soql, subjects: emailList.split(', ').filter(Boolean) };
}

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ dailyApiRequests: 10_000_000 });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe('Composite batches', () => {
  it('pushes 3,000 subjects with 3 events in 13 counted calls: one read of queries past 200 subjects, then 12 full write calls', async () => {
    const sync = adapter({ transport: 'composite' });
    await sync.ensureSchema();
    emulator.clearCalls();
    const before = emulator.apiUsage.used;
    const report = await sync.push(trails(3_000));
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ subjectsWritten: 3_000, eventsWritten: 9_000 });
    // Floor: 15 Contact + 45 event Collections of 200 = 60, five per Composite call = 12; plus the read.
    expect(emulator.apiUsage.used - before).toBe(13);
    expect(report.apiCalls).toBe(13);

    const { all, reads, writes } = compositeCalls(emulator.calls);
    expect(all).toHaveLength(13);
    expect(reads).toHaveLength(1);
    const queries = subrequestsOf(reads[0]!).map(queryOf);
    expect(queries.length).toBeLessThanOrEqual(5);
    // 30-character addresses: about 1,460 subjects fit a query's 100,000 characters (200 was the old cap).
    expect(Math.max(...queries.map(({ subjects }) => subjects.length))).toBeGreaterThan(1_400);
    expect(queries.every(({ soql }) => soql.length <= 100_000)).toBe(true);
    expect(queries.reduce((total, { subjects }) => total + subjects.length, 0)).toBe(3_000);
    expect(writes).toHaveLength(12);
    for (const call of writes) {
      expect(subrequestsOf(call)).toHaveLength(5);
      expect(subrequestsOf(call).every((subrequest) => subrequest.body?.records?.length === 200)).toBe(true);
    }
    expect(emulator.state.records('Contact')).toHaveLength(3_000);
    expect(emulator.state.records(names.eventObject)).toHaveLength(9_000);
  });

  it('adopts Contacts a person created (by email only) across the batch, and a re-run reads in 2 calls and writes nothing', async () => {
    const sync = adapter();
    await sync.ensureSchema();
    const input = trails(3_000);
    // One in each of the batch's queries (first, middle, last subject).
    const adopted = [0, 1_500, 2_999].map((index) => ({
      index,
      id: emulator.state.createRecord('Contact', { LastName: `Person ${index}`, Email: input[index]!.subject.toUpperCase() }),
    }));
    const report = await sync.push(input);
    expect(report.failures).toEqual([]);
    expect(emulator.state.records('Contact')).toHaveLength(3_000);
    for (const { index, id } of adopted) {
      expect(emulator.state.record('Contact', id)).toMatchObject({ LastName: `Person ${index}`, [names.subjectKey]: input[index]!.subject, [names.summary.trailLength]: 3 });
    }
    expect(await sync.pull({ email: input[1_500]!.subject })).toEqual(input[1_500]);

    emulator.clearCalls();
    const again = await sync.push(input);
    expect(again).toMatchObject({ subjectsUnchanged: 3_000, subjectsWritten: 0, eventsWritten: 0, failed: 0 });
    // The Contacts in one call (3 queries), then their 9,000 event ids: 5 queries of at most 2,000 rows.
    const { all, reads, writes } = compositeCalls(emulator.calls);
    expect(writes).toEqual([]);
    expect(emulator.calls).toHaveLength(2);
    expect(all).toEqual(reads);
    expect(again.apiCalls).toBe(2);
  });

  it('follows a query past 2,000 rows with its nextRecordsUrl inside a later Composite call', async () => {
    const sync = adapter();
    await sync.ensureSchema();
    const input = trails(1_500);
    await sync.push(input);
    // A person duplicated every Contact by hand: the read now finds 3,000 rows for 1,500 subjects.
    for (const trail of input) emulator.state.createRecord('Contact', { LastName: 'Duplicate', Email: trail.subject });
    emulator.clearCalls();
    const again = await sync.push(input);
    expect(again).toMatchObject({ subjectsUnchanged: 1_500, eventsWritten: 0, failed: 0 });
    const subrequests = compositeCalls(emulator.calls).all.flatMap(subrequestsOf);
    const pages = subrequests.filter((subrequest) => /\/query\/01g[0-9A-Za-z]{15}-2000$/.test(subrequest.url));
    expect(pages.length).toBeGreaterThanOrEqual(1);
    expect(compositeCalls(emulator.calls).writes).toEqual([]);
    // The OptinTrail-keyed Contact is still the subject's record, not the duplicate.
    expect(await sync.pull({ email: input[0]!.subject })).toEqual(input[0]);
  });

  it('reads a default batch of 7,000 subjects with 31-character addresses in one Composite call', async () => {
    expect(DEFAULT_SALESFORCE_COMPOSITE_BATCH_SIZE).toBe(7_000);
    const sync = adapter();
    await sync.ensureSchema();
    emulator.clearCalls();
    const report = await sync.push(trails(7_000, 31), { dryRun: true });
    expect(report.failures).toEqual([]);
    expect(report.apiCalls).toBe(1);
    const { reads } = compositeCalls(emulator.calls);
    expect(reads).toHaveLength(1);
    expect(subrequestsOf(reads[0]!)).toHaveLength(5);
    expect(subrequestsOf(reads[0]!).every((subrequest) => queryOf(subrequest).soql.length <= 100_000)).toBe(true);
    expect(emulator.state.records('Contact')).toEqual([]);
  });

  it('takes batchSize as an option and refuses one that is not a whole number of subjects', async () => {
    const sync = adapter({ batchSize: 1_000 });
    await sync.ensureSchema();
    const before = emulator.apiUsage.used;
    const report = await sync.push(trails(2_000));
    expect(report.failures).toEqual([]);
    // Two batches of 1,000: one read and 4 write calls each.
    expect(emulator.apiUsage.used - before).toBe(10);
    for (const batchSize of [0, -5, 1.5, Number.NaN]) {
      expect(() => adapter({ batchSize })).toThrow(ValidationError);
    }
  });
});

describe('write calls side by side', () => {
  /** The most calls whose [start, end] intervals overlap at one instant. */
  function mostAtOnce(calls: RecordedCall[]): number {
    const edges = calls.flatMap((call) => [
      { at: call.startedAt, change: 1 },
      { at: call.startedAt + call.durationMs, change: -1 },
    ]);
    // An answer that ends as another call starts does not overlap it.
    edges.sort((a, b) => a.at - b.at || a.change - b.change);
    let current = 0;
    let most = 0;
    for (const edge of edges) most = Math.max(most, (current += edge.change));
    return most;
  }
  const isEventCall = (call: RecordedCall) => subrequestsOf(call).some((subrequest) => subrequest.url.includes(`/${names.eventObject}/`));

  it('runs a step’s Composite calls side by side, never more than `concurrency`, and sends events only once every contact call has answered', async () => {
    const sync = adapter({ transport: 'composite', concurrency: 3 });
    await sync.ensureSchema();
    emulator.clearCalls();
    // Every answer held 300 ms, so calls in flight together overlap in the recorded times.
    emulator.faults.set({ latencyMs: 300 });
    const report = await sync.push(trails(3_000));
    emulator.faults.set({});
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ subjectsWritten: 3_000, eventsWritten: 9_000 });
    // Side by side changes nothing of the count: one read, then 3 Contact and 9 event calls, all full.
    expect(report.apiCalls).toBe(13);
    const { writes } = compositeCalls(emulator.calls);
    expect(writes).toHaveLength(12);
    expect(writes.every((call) => subrequestsOf(call).every((subrequest) => subrequest.body?.records?.length === 200))).toBe(true);
    const contactCalls = writes.filter((call) => !isEventCall(call));
    const eventCalls = writes.filter(isEventCall);
    expect(contactCalls).toHaveLength(3);
    // Never more than 3 at once; side by side at all. (Each call is handled as it arrives, then held:
    // on a loaded machine a third may arrive only after the first has answered.)
    expect(mostAtOnce(writes)).toBeLessThanOrEqual(3);
    expect(mostAtOnce(writes)).toBeGreaterThanOrEqual(2);
    expect(mostAtOnce(contactCalls)).toBeGreaterThanOrEqual(2);
    const contactsDone = Math.max(...contactCalls.map((call) => call.startedAt + call.durationMs));
    expect(Math.min(...eventCalls.map((call) => call.startedAt))).toBeGreaterThanOrEqual(contactsDone);
    expect(emulator.state.records('Contact')).toHaveLength(3_000);
    expect(emulator.state.records(names.eventObject)).toHaveLength(9_000);
  });

  it('with concurrency 1 sends one call at a time', async () => {
    const sync = adapter({ transport: 'composite', concurrency: 1 });
    await sync.ensureSchema();
    emulator.clearCalls();
    emulator.faults.set({ latencyMs: 30 });
    const report = await sync.push(trails(2_000));
    emulator.faults.set({});
    expect(report.failures).toEqual([]);
    expect(mostAtOnce(compositeCalls(emulator.calls).all)).toBe(1);
  });

  it('keeps a batch of events back when its contacts failed, with calls side by side', async () => {
    const sync = adapter({ transport: 'collections', concurrency: 4 });
    await sync.ensureSchema();
    const input = trails(600);
    // Every Contact record is refused: no event may be sent for those subjects.
    emulator.faults.set({ partialFailure: 1, paths: ['/composite/sobjects/Contact/'] });
    const report = await sync.push(input);
    emulator.faults.set({});
    expect(report.subjectsWritten).toBe(0);
    expect(emulator.state.records(names.eventObject)).toHaveLength(0);
    expect(new Set(report.failures.map((failure) => failure.subject)).size).toBe(600);
  });

  it('refuses a concurrency that is not a whole number of calls', () => {
    for (const concurrency of [0, 1.5, -2, Number.NaN]) expect(() => adapter({ concurrency })).toThrow(ValidationError);
  });
});
