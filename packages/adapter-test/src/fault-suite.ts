/**
 * The fault suite every adapter runs: a sync of thousands of trails into a CRM emulator while the
 * emulator injects 429s (with and without Retry-After), 5xx, dropped connections, timeouts, slow
 * answers and per-record batch failures, at seeded rates. What the CRM holds is then read through
 * the emulator's own state (never the adapter): every event stored exactly once, every trail pulled
 * back identical and verified, and each subject the CRM refuses for good reported with a reason
 * without holding up the others.
 *
 * The driver has no vitest dependency, so `npm run soak` runs it from a plain script with larger
 * numbers. A vitest file per adapter builds a `FaultTarget` and asserts `result.problems` is empty.
 */
import { canonicalJson, CrmApiError, type CrmAdapter, type PushFailure, type PushReport, type RetryInfo, type RetryOptions, type Trail } from '@optintrail/core';
import { generateFaultTrails, seededRandom, trailPrefixes } from './fault-trails';

export { faultEventInputs, faultSubject, generateFaultTrails, seededBytes, seededRandom, trailPrefixes } from './fault-trails';
export type { FaultTrailOptions } from './fault-trails';

/** The fault kinds of @optintrail/emulator-kit, as counted by `FaultInjector.injected`. */
export type FaultKindName = 'rate-limit' | 'server-error' | 'drop-connection' | 'timeout' | 'partial-failure';

/** The settings a `FaultInjector` takes (structurally the emulator-kit's `FaultSettings`). */
export interface FaultProfile {
  rateLimit?: number;
  /** Retry-After on injected 429s, in seconds; `null` sends none. */
  retryAfterSeconds?: number | null;
  serverError?: number;
  dropConnection?: number;
  timeout?: number;
  partialFailure?: number;
  latencyMs?: number | [number, number];
  paths?: Array<string | RegExp>;
  seed?: number;
}

/** The emulator's fault switches (its `faults` member). */
export interface FaultSwitches {
  set(settings: FaultProfile): void;
  readonly injected: Readonly<Record<FaultKindName, number>>;
}

/** A call as the emulator recorded it (its `calls` member). */
export interface RecordedCallSummary {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly fault: string | undefined;
  readonly durationMs: number;
}

/** Where one CRM keeps events: each place must hold each event exactly once. */
export interface StoredEventPlace {
  /** e.g. `notes`, `member events`, `OptinTrail_Event__c`. */
  place: string;
  /** The event ids found there for the subject, one entry per stored copy (so duplicates show). */
  eventIds: string[];
}

/** Subjects the CRM refuses for good (validation, permission, erased addresses), arranged through the emulator. */
export interface RefusedSubjects {
  /** The trails to mix into the sync. */
  trails: Trail[];
  /** Called once before the sync (faults off): make the CRM refuse them. */
  arrange?(): void | Promise<void>;
  /** Failure kinds the adapter may report for them. */
  kinds: Array<PushFailure['kind']>;
  /** What the reason must mention, e.g. /STRING_TOO_LONG/. */
  reason: RegExp;
  /** How many of each trail's events the CRM may hold despite the refusal (default 0). */
  storedPrefix?(trail: Trail): number;
}

/** One CRM emulator, seen by the driver. */
export interface FaultTarget {
  /** e.g. `hubspot`. */
  name: string;
  /**
   * A fresh adapter pointed at the emulator. It must use the given retry options (they record
   * retries and keep backoff short) and time calls out after `timeoutMs`.
   */
  createAdapter(settings: { retry: RetryOptions; timeoutMs: number }): CrmAdapter;
  faults: FaultSwitches;
  /** Every call answered so far. */
  readonly calls: readonly RecordedCallSummary[];
  /** Empties the CRM and switches faults off. */
  reset(): void | Promise<void>;
  /** Where the CRM holds this subject's events, read from the emulator's state: every place, even one holding none. */
  storedEvents(subject: string): StoredEventPlace[] | Promise<StoredEventPlace[]>;
  /** Every subject that has a contact record in the CRM (normalised emails). */
  contactSubjects(): string[] | Promise<string[]>;
  /** Optional: subjects this CRM refuses for good, for the "never stops the batch" check. */
  refusedSubjects?(seed: number): RefusedSubjects | Promise<RefusedSubjects>;
}

/** Fault rates of a run; each is a probability per request (per record for `partialFailure`). */
export interface FaultRates {
  rateLimit: number;
  serverError: number;
  dropConnection: number;
  timeout: number;
  partialFailure: number;
  /** Delay before every answer. */
  latencyMs?: number | [number, number];
}

export interface FaultSyncOptions {
  /** Trails in the sync. */
  trails: number;
  seed: number;
  rates: FaultRates;
  /** Client timeout given to the adapter. Default 500 ms. */
  timeoutMs?: number;
  /** Retry-After (seconds) on injected 429s in the first phase; the second sends none. Default 1. */
  retryAfterSeconds?: number;
  /** Pushes per phase before giving up on converging (failed subjects are pushed again). Default 10. */
  maxRounds?: number;
  /** Attempts per call in the adapter's retry policy. Default 8. */
  maxAttempts?: number;
  /** Pulls in flight at once during verification. Default 8. */
  pullConcurrency?: number;
  /** Refused subjects mixed in (when the target offers them). Default 3. */
  refused?: number;
  /** Trails pulled while the faults are still on (a seeded sample). Default 200. Every trail is pulled once the faults are off. */
  pullsUnderFaults?: number;
}

/** What a fault run found. `problems` lists every broken invariant, in words; empty means it passed. */
export interface FaultSyncResult {
  adapter: string;
  trails: number;
  eventsExpected: number;
  /** Distinct events found in the CRM at the end (all places). */
  eventsStored: number;
  /** Events the adapters' reports counted as written, over every push. */
  eventsWrittenReported: number;
  /** Extra stored copies of an event, over every place, at the worst moment seen. */
  duplicates: number;
  /** Events of accepted subjects missing from the CRM at the end. */
  lost: number;
  faultsInjected: Record<FaultKindName, number>;
  /** Calls the emulator answered after the client had given up (their effect landed, the answer was lost). */
  answersLost: number;
  calls: number;
  retries: number;
  /** Retries that honoured a Retry-After the CRM sent. */
  retriesAfterRetryAfter: number;
  /** Pushes per phase until only refused subjects failed. */
  rounds: number[];
  /** Wall time of each step, in seconds (printed, never asserted). */
  seconds: Record<string, number>;
  /** Failures reported along the way (kind and reason), the first ones. */
  failureSamples: Array<Pick<PushFailure, 'kind' | 'reason' | 'vendorCode'>>;
  problems: string[];
}

const KINDS: FaultKindName[] = ['rate-limit', 'server-error', 'drop-connection', 'timeout', 'partial-failure'];
const FAILURE_KINDS = new Set<PushFailure['kind']>(['validation', 'suppressed', 'conflict', 'vendor', 'integrity']);

/** Reads a positive integer from the environment (e.g. `FAULT_TRAILS`), else the default. */
export function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * The CI defaults, scaled by the environment: `FAULT_SCALE` multiplies the number of trails (the
 * soak uses 10 and more), `FAULT_RATE` every fault rate, and `FAULT_SEED` replaces the seed.
 */
export function faultSyncOptionsFromEnvironment(defaults: { trails: number; seed?: number; rates: FaultRates } & Partial<FaultSyncOptions>): FaultSyncOptions {
  const rateScale = envNumber('FAULT_RATE', 1);
  const rates = { ...defaults.rates };
  for (const key of ['rateLimit', 'serverError', 'dropConnection', 'timeout', 'partialFailure'] as const) rates[key] = Math.min(0.5, rates[key] * rateScale);
  return { ...defaults, trails: Math.round(defaults.trails * envNumber('FAULT_SCALE', 1)), seed: envNumber('FAULT_SEED', defaults.seed ?? 1), rates };
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * Runs the fault sync against one target and checks what the CRM holds. Two phases, each pushed
 * again (failed subjects only) until nothing but the refused subjects fails:
 * 1. an initial sync of the first events of every trail, 429s carrying Retry-After;
 * 2. an incremental sync of the whole trails (appends), 429s without Retry-After.
 */
export async function runFaultSync(target: FaultTarget, options: FaultSyncOptions): Promise<FaultSyncResult> {
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < 50 && !problems.includes(text)) problems.push(text);
  };
  const timeoutMs = options.timeoutMs ?? 500;
  const maxRounds = options.maxRounds ?? 10;
  await target.reset();

  const retries: RetryInfo[] = [];
  // A call answered later than the client's timeout still lands (its answer is lost). Waiting that
  // long before a retry keeps the late original from overtaking the calls that follow it.
  const latency = options.rates.latencyMs;
  const lateness = Math.max(0, (Array.isArray(latency) ? latency[1] : (latency ?? 0)) - timeoutMs);
  // Backoff is kept short (the schedule is the adapter's; only the waiting is cut), Retry-After too:
  // what was asked is recorded and checked below.
  const retry: RetryOptions = {
    maxAttempts: options.maxAttempts ?? 8,
    baseDelayMs: 1,
    maxDelayMs: 10,
    onRetry: (info) => retries.push(info),
    sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, Math.max(Math.min(milliseconds, 25), lateness > 0 ? lateness + 5 : 0))),
  };
  const adapter = target.createAdapter({ retry, timeoutMs });
  const schema = await adapter.ensureSchema();
  if (schema.problems?.length) problem(`ensureSchema reported problems: ${JSON.stringify(schema.problems)}`);

  const full = generateFaultTrails({ count: options.trails, seed: options.seed, prefix: `${target.name}-fault` });
  const refused = target.refusedSubjects && (options.refused ?? 3) > 0 ? await target.refusedSubjects(options.seed) : undefined;
  const refusedTrails = refused?.trails.slice(0, options.refused ?? 3) ?? [];
  await refused?.arrange?.();
  const refusedSubjects = new Set(refusedTrails.map((trail) => trail.subject));
  // Refused subjects sit among the others, inside ordinary batches.
  const mixed = (trails: Trail[]): Trail[] => {
    const result = [...trails];
    const random = seededRandom(options.seed ^ 0x9e3779b9);
    for (const trail of refusedTrails) result.splice(Math.floor(random() * (result.length + 1)), 0, trail);
    return result;
  };
  const expected = new Map(full.map((trail) => [trail.subject, trail]));
  const allTrails = new Map([...expected, ...refusedTrails.map((trail) => [trail.subject, trail] as const)]);

  const injectedBefore = { ...target.faults.injected };
  const failureSamples: FaultSyncResult['failureSamples'] = [];
  const rounds: number[] = [];
  let eventsWrittenReported = 0;
  let worstDuplicates = 0;

  /** Every stored copy of every event of these subjects, checked against their trails. */
  const inspect = async (subjects: Iterable<string>, final: boolean): Promise<{ stored: number; duplicates: number; lost: number }> => {
    let stored = 0;
    let duplicates = 0;
    let lost = 0;
    for (const subject of subjects) {
      const trail = allTrails.get(subject)!;
      const ids = new Set(trail.events.map((event) => event.id));
      const distinct = new Set<string>();
      const missingAnywhere = new Set<string>();
      const places = await target.storedEvents(subject);
      if (places.length === 0) problem(`${subject}: the target reports no place where events are kept`);
      for (const place of places) {
        const seen = new Map<string, number>();
        for (const id of place.eventIds) {
          seen.set(id, (seen.get(id) ?? 0) + 1);
          distinct.add(id);
        }
        for (const [id, count] of seen) {
          if (!ids.has(id)) problem(`${subject}: ${place.place} hold an event that is not in its trail (${id})`);
          if (count > 1) {
            duplicates += count - 1;
            problem(`${subject}: ${place.place} hold event ${id} ${count} times`);
          }
        }
        if (final) {
          const isRefused = refusedSubjects.has(subject);
          const wanted = isRefused ? new Set(trail.events.slice(0, refused?.storedPrefix?.(trail) ?? 0).map((event) => event.id)) : ids;
          const missing = [...wanted].filter((id) => !seen.has(id));
          const extra = isRefused ? [...seen.keys()].filter((id) => !wanted.has(id)) : [];
          if (missing.length > 0) problem(`${subject}: ${place.place} lack ${missing.length} of its ${wanted.size} events (first missing ${missing[0]})`);
          if (extra.length > 0) problem(`${subject}: refused subject, yet ${place.place} hold ${extra.length} event(s) beyond what it may (first ${extra[0]})`);
          if (!isRefused) for (const id of missing) missingAnywhere.add(id);
        }
      }
      lost += missingAnywhere.size;
      stored += distinct.size;
    }
    return { stored, duplicates, lost };
  };

  const checkFailure = (failure: PushFailure) => {
    if (failureSamples.length < 20) failureSamples.push({ kind: failure.kind, reason: failure.reason, ...(failure.vendorCode ? { vendorCode: failure.vendorCode } : {}) });
    if (typeof failure.subject !== 'string' || !allTrails.has(failure.subject)) problem(`a failure names no subject of the input: ${JSON.stringify(failure).slice(0, 200)}`);
    if (!FAILURE_KINDS.has(failure.kind)) problem(`failure of ${failure.subject} has an unknown kind ${String(failure.kind)}`);
    if (typeof failure.reason !== 'string' || failure.reason.trim().length < 5) problem(`failure of ${failure.subject} gives no reason`);
  };

  const refusalReasons = new Map<string, string>();
  const lastOtherReason = new Map<string, string>();
  const phase = async (name: string, input: Trail[], profile: FaultProfile) => {
    let pending = input;
    for (let round = 1; round <= maxRounds; round += 1) {
      target.faults.set({ ...profile, seed: options.seed * 31 + round + (name === 'incremental' ? 1000 : 0) });
      let report: PushReport;
      try {
        report = await adapter.push(pending);
      } catch (error) {
        problem(`${name} sync, round ${round}: push threw instead of reporting failures: ${error instanceof Error ? error.message : String(error)}`);
        rounds.push(round);
        return;
      }
      eventsWrittenReported += report.eventsWritten;
      if (report.subjectsRead !== pending.length) problem(`${name} sync, round ${round}: read ${report.subjectsRead} of ${pending.length} subjects`);
      report.failures.forEach(checkFailure);
      for (const subject of refusedSubjects) {
        if (!pending.some((trail) => trail.subject === subject)) continue;
        const reported = report.failures.filter((failure) => failure.subject === subject);
        if (reported.length === 0) problem(`${name} sync, round ${round}: refused subject ${subject} is not reported`);
        for (const failure of reported) {
          // Only the refusal itself must carry the expected kind; a passing failure of its whole batch need not.
          if (refused!.reason.test(failure.reason) && !refused!.kinds.includes(failure.kind)) {
            problem(`${name} sync: refused subject ${subject} reported as ${failure.kind} (${failure.reason})`);
          }
        }
        // A round where its whole batch failed for a passing reason names that reason instead.
        const matching = reported.find((failure) => refused!.reason.test(failure.reason));
        if (matching) refusalReasons.set(subject, matching.reason);
        else lastOtherReason.set(subject, reported[0]?.reason ?? 'none');
      }
      const { duplicates } = await inspect(new Set(pending.map((trail) => trail.subject)), false);
      worstDuplicates = Math.max(worstDuplicates, duplicates);
      const failedSubjects = new Set(report.failures.map((failure) => failure.subject).filter((subject) => !refusedSubjects.has(subject)));
      if (failedSubjects.size === 0) {
        rounds.push(round);
        return;
      }
      pending = pending.filter((trail) => failedSubjects.has(trail.subject) || refusedSubjects.has(trail.subject));
      if (round === maxRounds) {
        rounds.push(round);
        problem(`${name} sync: ${failedSubjects.size} subject(s) still failing after ${maxRounds} pushes, e.g. ${report.failures.find((failure) => failedSubjects.has(failure.subject))?.reason}`);
      }
    }
  };

  const seconds: Record<string, number> = {};
  const timed = async (label: string, step: () => Promise<void>) => {
    const started = performance.now();
    await step();
    seconds[label] = Math.round((performance.now() - started) / 100) / 10;
  };
  const base = { ...options.rates };
  await timed('initial sync', () => phase('initial', mixed(trailPrefixes(full, options.seed)), { ...base, retryAfterSeconds: options.retryAfterSeconds ?? 1 }));
  await timed('incremental sync', () => phase('incremental', mixed(full), { ...base, retryAfterSeconds: null }));

  for (const subject of refusedSubjects) {
    if (!refusalReasons.has(subject)) problem(`refused subject ${subject} was never reported with a reason matching ${refused!.reason} (e.g. ${lastOtherReason.get(subject)})`);
  }

  const pullAll = async (label: string, trails: Trail[]) => {
    await inParallel(trails, options.pullConcurrency ?? 8, async (trail) => {
      try {
        const pulled = await adapter.pull({ email: trail.subject });
        if (!pulled) problem(`${label}: pull(${trail.subject}) found nothing`);
        else if (canonicalJson(pulled) !== canonicalJson(trail)) {
          problem(`${label}: pull(${trail.subject}) gave ${pulled.events.length} events that differ from the ${trail.events.length} pushed`);
        }
      } catch (error) {
        problem(`${label}: pull(${trail.subject}) threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      }
    });
  };
  const sampleSize = Math.min(options.pullsUnderFaults ?? 200, expected.size);
  if (sampleSize > 0) {
    const random = seededRandom(options.seed ^ 0x68e31da4);
    const sample = [...expected.values()].map((trail) => ({ trail, key: random() })).sort((left, right) => left.key - right.key).slice(0, sampleSize);
    target.faults.set({ ...base, retryAfterSeconds: 1, seed: options.seed * 31 + 7777 });
    await timed('pulls under faults', () => pullAll('pull under faults', sample.map(({ trail }) => trail)));
  }
  target.faults.set({});
  await timed('pulls', () => pullAll('pull', [...expected.values()]));

  const final = await inspect(allTrails.keys(), true);
  worstDuplicates = Math.max(worstDuplicates, final.duplicates);
  const contacts = new Set(await target.contactSubjects());
  for (const subject of expected.keys()) if (!contacts.has(subject)) problem(`${subject}: no contact record in the CRM`);
  for (const subject of contacts) if (!allTrails.has(subject)) problem(`the CRM holds a contact nobody pushed: ${subject}`);

  for (const info of retries) {
    const error = info.error;
    if (CrmApiError.isInstance(error) && error.retryAfterMs !== undefined && info.delayMs < error.retryAfterMs) {
      problem(`a retry waited ${info.delayMs} ms where the CRM asked for ${error.retryAfterMs} ms (Retry-After)`);
    }
  }

  const faultsInjected = Object.fromEntries(KINDS.map((kind) => [kind, (target.faults.injected[kind] ?? 0) - (injectedBefore[kind] ?? 0)])) as Record<FaultKindName, number>;
  for (const kind of KINDS) {
    const rate = { 'rate-limit': base.rateLimit, 'server-error': base.serverError, 'drop-connection': base.dropConnection, timeout: base.timeout, 'partial-failure': base.partialFailure }[kind];
    if (rate > 0 && faultsInjected[kind] === 0) problem(`no ${kind} fault was injected (rate ${rate}): the run proves nothing about it`);
  }
  const calls = target.calls;
  return {
    adapter: adapter.id,
    trails: options.trails,
    eventsExpected: full.reduce((total, trail) => total + trail.events.length, 0),
    eventsStored: final.stored,
    eventsWrittenReported,
    duplicates: worstDuplicates,
    lost: final.lost,
    faultsInjected,
    answersLost: calls.filter((call) => call.status > 0 && call.durationMs >= timeoutMs).length,
    calls: calls.length,
    retries: retries.length,
    retriesAfterRetryAfter: retries.filter((info) => CrmApiError.isInstance(info.error) && info.error.retryAfterMs !== undefined).length,
    rounds,
    seconds,
    failureSamples,
    problems,
  };
}

/** One line per figure, for soak output and test logs. */
export function formatFaultSyncResult(result: FaultSyncResult): string {
  const faults = KINDS.map((kind) => `${kind} ${result.faultsInjected[kind]}`).join(', ');
  return [
    `${result.adapter}: ${result.trails} trails, ${result.eventsExpected} events expected, ${result.eventsStored} stored (reports counted ${result.eventsWrittenReported} written)`,
    `  duplicates ${result.duplicates}, lost ${result.lost}, pushes per phase ${result.rounds.join(' + ')}`,
    `  faults injected: ${faults}; answers lost after the write ${result.answersLost}; ${result.calls} calls, ${result.retries} retries (${result.retriesAfterRetryAfter} after a Retry-After)`,
    `  seconds: ${Object.entries(result.seconds).map(([label, value]) => `${label} ${value}`).join(', ')}`,
    ...(result.problems.length > 0 ? [`  PROBLEMS (${result.problems.length}):`, ...result.problems.map((text) => `    - ${text}`)] : ['  no problem found']),
  ].join('\n');
}
