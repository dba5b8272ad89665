import { createApiCallRunner, createUnlimitedRateLimiter, ValidationError, type ApiCallRunner, type RateLimiter, type RetryOptions } from '@optintrail/core';
import { Connection } from 'jsforce';
import { SALESFORCE_ADAPTER_ID, toSalesforceError } from './salesforce-error';

/** How the adapter reaches the org: a jsforce Connection, or an instance URL and an access token. */
export interface SalesforceConnectionSettings {
  /** A ready jsforce Connection (OAuth refresh and all); wins over the other settings. */
  connection?: Connection;
  /** e.g. `https://acme.my.salesforce.com`; default `process.env.SALESFORCE_INSTANCE_URL`. */
  instanceUrl?: string;
  /** A session id or OAuth access token; default `process.env.SALESFORCE_ACCESS_TOKEN`. */
  accessToken?: string;
  /** REST API version, default `62.0` (Collections upsert needs 46.0 or later). */
  apiVersion?: string;
  /** Paces calls; Salesforce has no per-second limit, so the default does not limit. */
  limiter?: RateLimiter;
  /** Retries of retryable failures (5xx, locks, concurrency limits, dropped connections). */
  retry?: RetryOptions;
  /**
   * Milliseconds before a call with no answer counts as failed (and is retried: every write is an
   * upsert on an External ID or an update by id, so sending it again is safe). Default 600,000,
   * Salesforce's own REST timeout (jsforce alone would wait 30 minutes).
   */
  timeoutMs?: number;
}

/** One entry of a Composite answer. */
export interface CompositeSubresponse {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

/** One Composite subrequest as the adapter builds it. */
export interface CompositeSubrequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the versioned root, e.g. `/composite/sobjects`; made absolute here. */
  path: string;
  referenceId: string;
  body?: unknown;
}

interface QueryPage<T> {
  totalSize: number;
  done: boolean;
  records: T[];
  nextRecordsUrl?: string;
}

/** Salesforce's REST timeout (FACTS.md: 10 min). */
const DEFAULT_TIMEOUT_MS = 600_000;

/** The calls the adapter makes, all through one runner (paced, retried, counted, errors normalised). */
export class SalesforceClient {
  readonly connection: Connection;
  readonly version: string;
  readonly runner: ApiCallRunner;
  /** jsforce's own retries are switched off (the runner retries, with backoff, once); its timeout is ours. */
  readonly #requestOptions: never;

  constructor(settings: SalesforceConnectionSettings) {
    if (settings.connection) {
      this.connection = settings.connection;
    } else {
      const instanceUrl = settings.instanceUrl ?? process.env['SALESFORCE_INSTANCE_URL'];
      const accessToken = settings.accessToken ?? process.env['SALESFORCE_ACCESS_TOKEN'];
      const issues = [
        ...(instanceUrl ? [] : [{ path: 'instanceUrl', reason: 'is required: pass it or set SALESFORCE_INSTANCE_URL (or pass a jsforce Connection)' }]),
        ...(accessToken ? [] : [{ path: 'accessToken', reason: 'is required: pass it or set SALESFORCE_ACCESS_TOKEN (or pass a jsforce Connection)' }]),
      ];
      if (issues.length > 0) throw new ValidationError(issues, 'Cannot create the Salesforce adapter');
      this.connection = new Connection({ instanceUrl: instanceUrl!.replace(/\/+$/, ''), accessToken, version: settings.apiVersion ?? '62.0' });
    }
    this.version = settings.connection ? this.connection.version : (settings.apiVersion ?? '62.0');
    if (!(Number(this.version) >= 46)) {
      throw new ValidationError([{ path: 'apiVersion', reason: `is ${this.version}; sObject Collections upsert needs 46.0 or later (e.g. '62.0')` }], 'Cannot create the Salesforce adapter');
    }
    this.#requestOptions = { retry: { maxRetries: 0 }, timeout: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS } as never;
    this.runner = createApiCallRunner({
      adapter: SALESFORCE_ADAPTER_ID,
      limiter: settings.limiter ?? createUnlimitedRateLimiter(),
      retry: settings.retry,
      toError: toSalesforceError,
    });
  }

  /** `/services/data/v62.0` + path. */
  absolute(path: string): string {
    return path.startsWith('/services/') ? path : `/services/data/v${this.version}${path}`;
  }

  request<T>(operation: string, method: CompositeSubrequest['method'], path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const url = this.absolute(path);
    return this.runner.run(operation, () =>
      this.connection.request<T>(
        {
          method,
          url,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        },
        this.#requestOptions,
      ),
    );
  }

  /** Every record a SOQL query returns, following `nextRecordsUrl`. */
  async query<T>(operation: string, soql: string, options: { tooling?: boolean } = {}): Promise<T[]> {
    const first = await this.request<QueryPage<T>>(operation, 'GET', `${options.tooling ? '/tooling' : ''}/query?q=${encodeURIComponent(soql)}`);
    return this.rest(operation, first);
  }

  /** The records of a first page plus every following page. */
  async rest<T>(operation: string, page: QueryPage<T>): Promise<T[]> {
    const records = [...page.records];
    let current = page;
    while (!current.done && current.nextRecordsUrl) {
      current = await this.request<QueryPage<T>>(operation, 'GET', current.nextRecordsUrl);
      records.push(...current.records);
    }
    return records;
  }

  /** One Composite call (counted once by Salesforce) with `allOrNone: false`. */
  async composite(operation: string, subrequests: CompositeSubrequest[]): Promise<CompositeSubresponse[]> {
    const response = await this.request<{ compositeResponse: CompositeSubresponse[] }>(operation, 'POST', '/composite', {
      allOrNone: false,
      compositeRequest: subrequests.map((subrequest) => ({
        method: subrequest.method,
        url: this.absolute(subrequest.path),
        referenceId: subrequest.referenceId,
        ...(subrequest.body === undefined ? {} : { body: subrequest.body }),
      })),
    });
    return response.compositeResponse;
  }
}

/** A SOQL string literal. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}
