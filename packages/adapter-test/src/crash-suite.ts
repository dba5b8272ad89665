/**
 * Crash and resume: a sync process (crash-child.ts, run with tsx) is killed with SIGKILL at seeded
 * random calls and started again with the resume cursor it saved; the CRM must end identical to an
 * uninterrupted sync, with no event stored twice. The emulator runs in the calling (test) process,
 * so its state outlives every killed child.
 *
 * Each kill happens as a request of the child reaches the emulator: either the emulator still
 * carries the request out (the process died before it saw the answer) or drops it unprocessed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalJson } from '@optintrail/core';
import { seededRandom } from './fault-trails';

/** What the emulator's fault injector exposes: `draw` is called for every request before it is handled. */
export interface RequestHookable {
  draw(request: { method: string; path: string }): string | undefined;
}

export interface CrashTarget {
  /** e.g. `hubspot`. */
  name: string;
  /** Handed to the child's `createCrashAdapter(url)`. */
  url: string;
  /** Absolute path of a module exporting `createCrashAdapter(url: string): CrmAdapter`. */
  adapterModule: string;
  /** The emulator's fault injector (its `faults` member). */
  faults: RequestHookable;
  /** Empties the CRM. */
  reset(): void | Promise<void>;
  /** Lets work the CRM carries on with after a client is gone finish (e.g. queued batch operations). */
  settle?(): void | Promise<void>;
  /**
   * What the CRM holds, without ids or timestamps the CRM assigns: per subject, the summary fields
   * and the stored event ids (sorted, duplicates kept).
   */
  snapshot(): unknown | Promise<unknown>;
}

export interface CrashResumeOptions {
  trails: number;
  seed: number;
  /** Kills per phase (initial sync, then the incremental sync of the whole trails). */
  killsPerPhase: number;
  /** Give up on a child after this long (a hung child is a failure). Default 60 s. */
  childTimeoutMs?: number;
  /** Only these requests count as kill points (default all), e.g. the start of a vendor batch. */
  killOn?: (request: { method: string; path: string }) => boolean;
  /** Whether the request a kill lands on is carried out: `random` (default), always or never. */
  requestAtKill?: 'random' | 'carried-out' | 'dropped';
}

export interface CrashResumeResult {
  kills: number;
  /**
   * Kills that landed in each phase (initial, full). A kill is drawn among the reference run's
   * requests; a resumed run makes fewer, so a late draw can let it finish first (more often on a
   * loaded machine, where more of the work got done before the previous kill): a phase may get fewer
   * than `killsPerPhase`. Its first kill, in a run that starts from the phase's beginning, lands.
   */
  killsByPhase: number[];
  /** Kills where the emulator still carried out the request (the answer was lost). */
  killsAfterArrival: number;
  /** Child runs in all, reference runs included. */
  runs: number;
  /** Kill points (calls, or the requests `killOn` picks) of the uninterrupted reference sync, per phase. */
  referenceCalls: number[];
  /** Differences between the crashed-and-resumed CRM and the uninterrupted one (empty when identical). */
  differences: string[];
  problems: string[];
}

const childScript = join(dirname(fileURLToPath(import.meta.url)), 'crash-child.ts');
// The child reads @optintrail/core from its source: it tests the code as it is now, and a rebuild of
// core's dist while the suite runs cannot pull a module from under a starting child.
const childTsconfig = join(dirname(fileURLToPath(import.meta.url)), '..', 'crash-child.tsconfig.json');

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  calls: number;
  /** Requests that counted as kill points. */
  killPoints: number;
  /** Killed at `killAt` (not by the time limit). */
  killed: boolean;
}

/** Runs the child once; `killAt` (1-based) kills it as its n-th request arrives. */
function runChild(
  target: CrashTarget,
  environment: Record<string, string>,
  kill: { at: number | undefined; drop: boolean; on: ((request: { method: string; path: string }) => boolean) | undefined },
  timeoutMs: number,
): Promise<ChildRun> {
  const { at: killAt, drop: dropOnKill } = kill;
  return new Promise((resolve, reject) => {
    let calls = 0;
    let killPoints = 0;
    let child: ChildProcess | undefined;
    const original = target.faults.draw;
    let killed = false;
    target.faults.draw = function (this: unknown, request) {
      calls += 1;
      if (!kill.on || kill.on(request)) killPoints += 1;
      if (killAt !== undefined && killPoints === killAt && (!kill.on || kill.on(request)) && child && !killed) {
        killed = true;
        child.kill('SIGKILL');
        if (dropOnKill) return 'drop-connection';
      }
      return original.call(target.faults, request);
    };
    const restore = () => {
      target.faults.draw = original;
    };
    child = spawn(process.execPath, ['--import', 'tsx', childScript], {
      env: { ...process.env, ...environment, TSX_TSCONFIG_PATH: childTsconfig },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child?.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      restore();
      reject(error);
    });
    const started = performance.now();
    child.on('exit', (code, signal) => {
      if (process.env['CRASH_DEBUG']) console.info(`${new Date().toISOString().slice(14, 23)} crash child: ${calls} calls, exit ${code ?? signal} after ${Math.round(performance.now() - started)} ms${killAt ? ` (kill at ${killAt})` : ''}`);
      clearTimeout(timer);
      restore();
      resolve({ code, signal, stdout, stderr, calls, killPoints, killed });
    });
  });
}

/** Lists where two canonical JSON snapshots differ, subject by subject. */
function compareSnapshots(reference: unknown, actual: unknown): string[] {
  const differences: string[] = [];
  const walk = (path: string, left: unknown, right: unknown) => {
    if (differences.length >= 30) return;
    if (canonicalJson(left ?? null) === canonicalJson(right ?? null)) return;
    if (left && right && typeof left === 'object' && typeof right === 'object' && !Array.isArray(left) && !Array.isArray(right)) {
      for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) walk(`${path}.${key}`, (left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key]);
      return;
    }
    differences.push(`${path}: uninterrupted ${canonicalJson(left ?? null).slice(0, 300)}, after crashes ${canonicalJson(right ?? null).slice(0, 300)}`);
  };
  walk('crm', reference, actual);
  return differences;
}

/**
 * The reference first: both phases uninterrupted, and a snapshot. Then, on an emptied CRM, each
 * phase is run again with `killsPerPhase` kills at seeded random calls (each restart resumes from
 * the saved cursor), then to completion; the final snapshot must equal the reference.
 */
export async function runCrashResume(target: CrashTarget, options: CrashResumeOptions): Promise<CrashResumeResult> {
  const problems: string[] = [];
  const directory = mkdtempSync(join(tmpdir(), `optintrail-crash-${target.name}-`));
  const random = seededRandom(options.seed ^ 0x1b873593);
  const timeoutMs = options.childTimeoutMs ?? 60_000;
  let runs = 0;
  let kills = 0;
  const killsByPhase = [0, 0];
  let killsAfterArrival = 0;
  const environment = (phase: 'initial' | 'full', cursorFile: string) => ({
    CRASH_ADAPTER_MODULE: target.adapterModule,
    CRASH_URL: target.url,
    CRASH_TRAILS: String(options.trails),
    CRASH_SEED: String(options.seed),
    CRASH_PREFIX: `${target.name}-crash`,
    CRASH_PHASE: phase,
    CRASH_CURSOR_FILE: cursorFile,
  });
  const describe = (run: ChildRun) => `exit ${run.code ?? run.signal}; ${run.stdout.trim().slice(0, 500)} ${run.stderr.trim().slice(-800)}`;

  try {
    await target.reset();
    const referenceCalls: number[] = [];
    for (const phase of ['initial', 'full'] as const) {
      const run = await runChild(target, environment(phase, join(directory, `reference-${phase}.cursor`)), { at: undefined, drop: false, on: options.killOn }, timeoutMs);
      runs += 1;
      if (run.code !== 0) problems.push(`the uninterrupted ${phase} sync failed: ${describe(run)}`);
      if (run.killPoints === 0) problems.push(`the uninterrupted ${phase} sync made no request where a kill can land`);
      referenceCalls.push(run.killPoints);
      await target.settle?.();
    }
    const reference = await target.snapshot();

    await target.reset();
    for (const [phaseIndex, phase] of (['initial', 'full'] as const).entries()) {
      const cursorFile = join(directory, `crash-${phase}.cursor`);
      for (let attempt = 0; ; attempt += 1) {
        const killing = attempt < options.killsPerPhase;
        // Anywhere from ensureSchema's first call on; a resumed run skips what is done, so the early
        // part of the reference's calls is where a kill still lands.
        const killAt = killing ? 1 + Math.floor(random() * Math.max(1, Math.ceil(referenceCalls[phaseIndex]! * (options.killOn ? 1 : 0.6)))) : undefined;
        const mode = options.requestAtKill ?? 'random';
        const dropOnKill = mode === 'random' ? random() < 0.5 : mode === 'dropped';
        const run = await runChild(target, environment(phase, cursorFile), { at: killAt, drop: dropOnKill, on: options.killOn }, timeoutMs);
        runs += 1;
        await target.settle?.();
        if (run.killed) {
          kills += 1;
          killsByPhase[phaseIndex]! += 1;
          if (!dropOnKill) killsAfterArrival += 1;
          continue;
        }
        if (run.code === 0) break;
        problems.push(`${phase} sync, run ${attempt + 1} after ${kills} kill(s): ${describe(run)}`);
        if (attempt >= options.killsPerPhase + 3) break;
      }
      if (existsSync(cursorFile)) rmSync(cursorFile);
    }
    const differences = compareSnapshots(reference, await target.snapshot());
    return { kills, killsByPhase, killsAfterArrival, runs, referenceCalls, differences, problems };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
