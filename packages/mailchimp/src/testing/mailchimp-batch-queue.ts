import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { problems, type MailchimpFieldError } from './mailchimp-problem';
import { formatMailchimpTimestamp } from './mailchimp-timestamps';

/** One operation of a `POST /batches` body. */
export interface BatchOperation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to `/3.0`, e.g. `/lists/abc/members/…/events`. */
  path: string;
  /** Query parameters. */
  params: Record<string, string>;
  /** The JSON body, as a string (the vendor's shape). */
  body: string | undefined;
  operation_id: string | null;
}

/** One entry of a result file in the archive at `response_body_url`. `response` is the body as a JSON string. */
export interface BatchOperationResult {
  status_code: number;
  operation_id: string | null;
  response: string;
}

export type BatchStatus = 'pending' | 'preprocessing' | 'started' | 'finalizing' | 'finished';

interface BatchRecord {
  id: string;
  status: BatchStatus;
  operations: BatchOperation[];
  results: BatchOperationResult[];
  finished: number;
  errored: number;
  submittedAt: number;
  completedAt: number | null;
  archive: Buffer | null;
  processing: Promise<void> | null;
  /** Resolves the wait between processing and "finished" early (finishPendingBatches). */
  wake: (() => void) | null;
  hurry: boolean;
  cancelled: boolean;
}

export interface BatchQueueSettings {
  /** How long a batch takes from submission to "finished". */
  delayMs: number;
  /** How many batches may be pending at once before POST /batches answers 429. */
  maxPending: number;
  now: () => number;
  /** The URL the results archive is served at (the real one is a short-lived S3 link). */
  resultsUrl: (fileName: string) => string;
  /** Runs one operation against the emulator's own API. */
  execute: (operation: BatchOperation) => Promise<BatchOperationResult>;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** Results are split over several JSON files in the archive, as the vendor's are. */
const RESULTS_PER_FILE = 250;

/** The asynchronous Batch Operations API: submissions, status, and a gzipped tar of results. */
export class MailchimpBatchQueue {
  readonly #batches = new Map<string, BatchRecord>();
  readonly #archives = new Map<string, Buffer>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(private readonly settings: BatchQueueSettings) {}

  /** Validates a `POST /batches` body and queues it. */
  start(body: unknown) {
    const operations = parseOperations(body);
    const pending = [...this.#batches.values()].filter((batch) => batch.status === 'pending').length;
    if (pending >= this.settings.maxPending) throw problems.tooManyPendingBatches(this.settings.maxPending);
    const record: BatchRecord = {
      id: randomBytes(5).toString('hex'),
      status: 'pending',
      operations,
      results: [],
      finished: 0,
      errored: 0,
      submittedAt: this.settings.now(),
      completedAt: null,
      archive: null,
      processing: null,
      wake: null,
      hurry: false,
      cancelled: false,
    };
    this.#batches.set(record.id, record);
    this.#later(Math.floor(this.settings.delayMs / 2), () => void this.#process(record));
    return this.json(record);
  }

  status(id: string) {
    return this.json(this.#record(id));
  }

  list(): Array<ReturnType<MailchimpBatchQueue['json']>> {
    return [...this.#batches.values()].map((record) => this.json(record));
  }

  /** `DELETE /batches/{id}`: stops the batch; its results are not kept. */
  cancel(id: string): void {
    const record = this.#record(id);
    record.cancelled = true;
    record.wake?.();
    this.#batches.delete(id);
    this.#archives.delete(`${id}.tar.gz`);
  }

  /** The gzipped tar served at `response_body_url`. */
  archive(fileName: string): Buffer | undefined {
    return this.#archives.get(fileName);
  }

  /** Every batch's operations, as the emulator ran them (for tests). */
  results(id: string): BatchOperationResult[] {
    return this.#record(id).results.map((result) => ({ ...result }));
  }

  /** Runs every unfinished batch to "finished" now, whatever `delayMs` says. */
  async finishPendingBatches(): Promise<void> {
    const records = [...this.#batches.values()].filter((record) => record.status !== 'finished');
    for (const record of records) {
      record.hurry = true;
      record.wake?.();
    }
    await Promise.all(records.map((record) => this.#process(record)));
  }

  reset(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const record of this.#batches.values()) {
      record.cancelled = true;
      record.wake?.();
    }
    this.#batches.clear();
    this.#archives.clear();
  }

  json(record: BatchRecord) {
    return {
      id: record.id,
      status: record.status,
      total_operations: record.operations.length,
      finished_operations: record.finished,
      errored_operations: record.errored,
      submitted_at: formatMailchimpTimestamp(record.submittedAt),
      completed_at: formatMailchimpTimestamp(record.completedAt),
      response_body_url: record.status === 'finished' ? this.settings.resultsUrl(`${record.id}.tar.gz`) : '',
      _links: [] as unknown[],
    };
  }

  #record(id: string): BatchRecord {
    const record = this.#batches.get(id);
    if (!record) throw problems.notFound();
    return record;
  }

  #process(record: BatchRecord): Promise<void> {
    record.processing ??= (async () => {
      record.status = 'started';
      for (const operation of record.operations) {
        if (record.cancelled) return;
        const result = await this.settings.execute(operation);
        record.results.push(result);
        record.finished += 1;
        if (result.status_code < 200 || result.status_code >= 300) record.errored += 1;
      }
      const remaining = record.submittedAt + this.settings.delayMs - this.settings.now();
      if (remaining > 0 && !record.hurry) {
        await new Promise<void>((resolve) => {
          record.wake = resolve;
          this.#later(remaining, resolve);
        });
        record.wake = null;
      }
      if (record.cancelled) return;
      record.status = 'finalizing';
      const archive = await buildResultsArchive(record.id, record.results);
      if (record.cancelled) return;
      this.#archives.set(`${record.id}.tar.gz`, archive);
      record.completedAt = this.settings.now();
      record.status = 'finished';
    })();
    return record.processing;
  }

  #later(milliseconds: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, milliseconds);
    timer.unref();
    this.#timers.add(timer);
  }
}

function parseOperations(body: unknown): BatchOperation[] {
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>).operations : undefined;
  if (!Array.isArray(raw)) throw problems.invalidResource([{ field: 'operations', message: 'operations must be an array of operations.' }]);
  const errors: MailchimpFieldError[] = [];
  const operations = raw.map((entry, index): BatchOperation => {
    const source = (entry && typeof entry === 'object' ? entry : {}) as Record<string, unknown>;
    const method = typeof source.method === 'string' ? source.method.toUpperCase() : '';
    if (!METHODS.has(method)) errors.push({ field: `operations.${index}.method`, message: 'method must be one of GET, POST, PUT, PATCH, DELETE.' });
    if (typeof source.path !== 'string' || source.path === '') errors.push({ field: `operations.${index}.path`, message: 'path is required.' });
    const params: Record<string, string> = {};
    if (source.params && typeof source.params === 'object') {
      for (const [name, value] of Object.entries(source.params as Record<string, unknown>)) {
        if (value !== undefined && value !== null) params[name] = Array.isArray(value) ? value.join(',') : String(value);
      }
    }
    let body: string | undefined;
    if (typeof source.body === 'string') body = source.body;
    else if (source.body !== undefined && source.body !== null) body = JSON.stringify(source.body);
    const path = typeof source.path === 'string' ? source.path : '';
    return {
      method: method as BatchOperation['method'],
      path: path.startsWith('/') ? path : `/${path}`,
      params,
      body,
      operation_id: typeof source.operation_id === 'string' ? source.operation_id : source.operation_id === undefined ? null : String(source.operation_id),
    };
  });
  if (errors.length > 0) throw problems.invalidResource(errors);
  return operations;
}

/** The archive format of `response_body_url`: a gzipped tar of JSON files, each an array of results. */
export async function buildResultsArchive(batchId: string, results: BatchOperationResult[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of archive) chunks.push(Buffer.from(chunk as Uint8Array));
  })();
  archive.entry({ name: `${batchId}/`, type: 'directory' });
  for (let start = 0; start < results.length || start === 0; start += RESULTS_PER_FILE) {
    const fileName = `${batchId}/${randomBytes(5).toString('hex')}.json`;
    archive.entry({ name: fileName }, JSON.stringify(results.slice(start, start + RESULTS_PER_FILE)));
    if (results.length === 0) break;
  }
  archive.finalize();
  await collected;
  return gzipSync(Buffer.concat(chunks));
}
