import type { EmulatorRequest } from './emulator-server';
import { createSeededRandom } from './seeded-random';

/** What an injected fault looks like on the wire. */
export type FaultKind = 'rate-limit' | 'server-error' | 'drop-connection' | 'timeout' | 'partial-failure';

/**
 * Fault switches. Each rate is a probability from 0 to 1, drawn per request (per record for
 * `partialFailure`) from a seeded generator, so a failing test replays the same faults.
 */
export interface FaultSettings {
  /** Answer 429 in the vendor's shape. */
  rateLimit?: number;
  /** Retry-After (seconds) on injected 429s; `null` sends none. Default 1. */
  retryAfterSeconds?: number | null;
  /** Answer a 5xx in the vendor's shape. */
  serverError?: number;
  /** Destroy the socket without answering. */
  dropConnection?: number;
  /** Never answer (the client's timeout decides). */
  timeout?: number;
  /** Fail single records inside an otherwise successful batch (207 / per-record errors). */
  partialFailure?: number;
  /** Added delay before every answer (within `paths`, when set): a fixed number of milliseconds or a [min, max] range. */
  latencyMs?: number | [number, number];
  /** Only these paths are affected (substring or RegExp); default every path. */
  paths?: Array<string | RegExp>;
  /** Seed for the fault draws. Default 1. */
  seed?: number;
}

export class FaultInjector {
  #settings: FaultSettings = {};
  #random: () => number = createSeededRandom(1);
  #queue: FaultKind[] = [];
  /** How many faults of each kind were injected. */
  readonly injected: Record<FaultKind, number> = {
    'rate-limit': 0,
    'server-error': 0,
    'drop-connection': 0,
    timeout: 0,
    'partial-failure': 0,
  };

  constructor(settings: FaultSettings = {}) {
    this.set(settings);
  }

  /** Replaces the fault settings (and reseeds). `set({})` turns every fault off. */
  set(settings: FaultSettings): void {
    this.#settings = { ...settings };
    this.#random = createSeededRandom(settings.seed ?? 1);
  }

  get settings(): Readonly<FaultSettings> {
    return this.#settings;
  }

  get retryAfterSeconds(): number | null {
    return this.#settings.retryAfterSeconds === undefined ? 1 : this.#settings.retryAfterSeconds;
  }

  /** Queues faults for the next requests, in order, whatever the rates say. */
  failNext(...kinds: Array<Exclude<FaultKind, 'partial-failure'>>): void {
    this.#queue.push(...kinds);
  }

  /** Turns everything off and forgets queued faults and counters. */
  reset(): void {
    this.set({});
    this.#queue = [];
    for (const kind of Object.keys(this.injected) as FaultKind[]) this.injected[kind] = 0;
  }

  /** Decides the fault (if any) for one request. Called by the server. */
  draw(request: EmulatorRequest): FaultKind | undefined {
    if (!this.#applies(request)) return undefined;
    const queued = this.#queue.shift();
    if (queued) return this.#count(queued);
    const settings = this.#settings;
    const checks: Array<[FaultKind, number | undefined]> = [
      ['drop-connection', settings.dropConnection],
      ['timeout', settings.timeout],
      ['rate-limit', settings.rateLimit],
      ['server-error', settings.serverError],
    ];
    for (const [kind, rate] of checks) {
      if (rate && this.#random() < rate) return this.#count(kind);
    }
    return undefined;
  }

  /** For batch endpoints: should this one record fail? Counts the injected failure. */
  failRecord(request?: EmulatorRequest): boolean {
    if (request && !this.#applies(request)) return false;
    const rate = this.#settings.partialFailure;
    if (rate && this.#random() < rate) {
      this.#count('partial-failure');
      return true;
    }
    return false;
  }

  /** The delay before this request's answer; 0 for a request outside `paths`. */
  latencyMs(request?: EmulatorRequest): number {
    const latency = this.#settings.latencyMs;
    if (latency === undefined || (request && !this.#applies(request))) return 0;
    if (typeof latency === 'number') return latency;
    const [min, max] = latency;
    return min + Math.floor(this.#random() * (max - min + 1));
  }

  #applies(request: EmulatorRequest): boolean {
    const paths = this.#settings.paths;
    if (!paths || paths.length === 0) return true;
    return paths.some((pattern) => (typeof pattern === 'string' ? request.path.includes(pattern) : pattern.test(request.path)));
  }

  #count(kind: FaultKind): FaultKind {
    this.injected[kind] += 1;
    return kind;
  }
}
