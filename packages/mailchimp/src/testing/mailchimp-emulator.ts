import {
  startEmulatorServer,
  type EmulatorRequest,
  type EmulatorResponse,
  type FaultInjector,
  type FaultSettings,
  type RecordedCall,
} from '@optintrail/emulator-kit';
import { MailchimpBatchQueue, type BatchOperation, type BatchOperationResult } from './mailchimp-batch-queue';
import { MailchimpAudienceActivity } from './mailchimp-emulator-activity';
import { MailchimpWebhookSender, type MailchimpWebhookSenderOptions } from './mailchimp-emulator-webhooks';
import { BATCH_OPERATION_HEADER, buildMailchimpRoutes } from './mailchimp-emulator-routes';
import { createEmulatorState, type MailchimpEmulatorState } from './mailchimp-emulator-state';
import { MailchimpStore, type CreateListOptions } from './mailchimp-emulator-store';
import { applyPartialResponse } from './mailchimp-partial-response';
import { MailchimpProblem, problems } from './mailchimp-problem';

/** Settings for {@link startMailchimpEmulator}. Every field is optional. */
export interface MailchimpEmulatorOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /**
   * The one API key the emulator accepts, e.g. `test-key-us1`. Without it, any key whose
   * `-<dc>` suffix equals `serverPrefix` is accepted (as any valid key of that datacenter would be).
   */
  apiKey?: string;
  /** The datacenter, e.g. `us1`. Default: the suffix of `apiKey`, else `us1`. */
  serverPrefix?: string;
  /** Simultaneous requests allowed before answering 429 (Mailchimp: 10 per user). */
  maxConnections?: number;
  /** Time from `POST /batches` to "finished"; the batch is "pending" for the first half. Default 20 ms. */
  batchProcessingDelayMs?: number;
  /** Pending batches allowed before `POST /batches` answers 429 (Mailchimp: 500). */
  maxPendingBatches?: number;
  /** Fault switches (429, 5xx, dropped connections, timeouts, per-member batch failures). */
  faults?: FaultSettings;
  /** The emulator's clock in milliseconds (for `last_changed`, timestamps, batch timing). Default `Date.now`. */
  now?: () => number;
  /** Delivery of list webhooks (attempts, delay between them). */
  webhooks?: MailchimpWebhookSenderOptions;
}

/** A running Mailchimp Marketing API v3 emulator on 127.0.0.1. */
export interface MailchimpEmulator {
  /** The API base, including `/3.0`, e.g. `http://127.0.0.1:53124/3.0`: give it to `createMailchimpClient({ baseUrl })`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`, where batch results archives are also served (outside the API). */
  readonly origin: string;
  /** A key the emulator accepts: the configured one, or `test-key-<serverPrefix>`. */
  readonly apiKey: string;
  readonly serverPrefix: string;
  /**
   * Every API call answered so far, oldest first, credentials redacted. Downloads of batch
   * results (an S3 link on the real service, not an API call) are not in this list.
   */
  readonly calls: RecordedCall[];
  /** Fault switches; change them at any time. */
  readonly faults: FaultInjector;
  /** The backend's read path and tamper helpers. */
  readonly state: MailchimpEmulatorState;
  /** List webhooks registered through the API, fired when members change; every delivery kept for replay. */
  readonly webhooks: MailchimpWebhookSender;
  /** Changes made inside Mailchimp: by a team member (admin), the subscriber (user), or Mailchimp itself. */
  readonly activity: MailchimpAudienceActivity;
  /** The most simultaneous requests seen so far (429s included). */
  readonly peakConnections: number;
  /** Creates an audience and returns its list id. */
  createList(name?: string, options?: CreateListOptions): string;
  /**
   * Holds every API answer (after the key and connection checks) until the returned function
   * is called: lets a test keep requests in flight without timing.
   */
  pauseResponses(): () => void;
  /** Runs every queued batch operation to "finished" now. */
  finishPendingBatches(): Promise<void>;
  /** Forgets recorded calls and the connection peak. */
  clearCalls(): void;
  /** Empties every audience (same ids, default merge fields only), drops batches, calls and faults. */
  reset(): void;
  close(): Promise<void>;
}

const RESULTS_PATH = '/_results/';
const API_KEY_PATTERN = /^.+-([a-z]+\d+)$/;

/**
 * Starts a local Mailchimp Marketing API v3: members by subscriber hash, batch subscribe,
 * merge fields, member events and notes, batch operations, problem+json errors, basic auth
 * with the API key, and the limit of simultaneous connections.
 */
export async function startMailchimpEmulator(options: MailchimpEmulatorOptions = {}): Promise<MailchimpEmulator> {
  const serverPrefix = options.serverPrefix ?? (options.apiKey ? API_KEY_PATTERN.exec(options.apiKey)?.[1] : undefined) ?? 'us1';
  const acceptedKey = options.apiKey ?? `test-key-${serverPrefix}`;
  const maxConnections = options.maxConnections ?? 10;
  const now = options.now ?? Date.now;
  const store = new MailchimpStore(now);
  let origin = '';
  let peakConnections = 0;
  let paused: { promise: Promise<void>; release: () => void } | null = null;

  const isValidKey = (key: string) => (options.apiKey !== undefined ? key === options.apiKey : API_KEY_PATTERN.exec(key)?.[1] === serverPrefix);

  // Batch operations replay through the same routes, as the vendor runs them on its side.
  const execute = async (operation: BatchOperation): Promise<BatchOperationResult> => {
    const url = new URL(`/3.0${operation.path}`, origin);
    for (const [name, value] of Object.entries(operation.params)) url.searchParams.set(name, value);
    const text = operation.body ?? '';
    const request: EmulatorRequest = {
      method: operation.method,
      path: url.pathname,
      url,
      query: url.searchParams,
      headers: { [BATCH_OPERATION_HEADER]: '1', 'content-type': 'application/json' },
      rawBody: Buffer.from(text, 'utf8'),
      text,
      params: {},
      inFlight: 0,
    };
    const response = faults().failRecord(request) ? problems.internal().response() : await dispatch(request);
    return {
      status_code: response.status,
      operation_id: operation.operation_id,
      response: response.json === undefined ? '' : JSON.stringify(response.json),
    };
  };

  const batches = new MailchimpBatchQueue({
    delayMs: options.batchProcessingDelayMs ?? 20,
    maxPending: options.maxPendingBatches ?? 500,
    now,
    resultsUrl: (fileName) => `${origin}${RESULTS_PATH}${fileName}`,
    execute,
  });

  // The server is created below; the routes need its fault injector, so they read it late.
  let faultInjector: FaultInjector | undefined;
  const faults = () => faultInjector!;
  const router = buildMailchimpRoutes({ store, batches, faults });
  const webhooks = new MailchimpWebhookSender(store, options.webhooks);
  const activity = new MailchimpAudienceActivity(store, webhooks);
  webhooks.registerRoutes(router);
  activity.registerRoutes(router);

  async function dispatch(request: EmulatorRequest): Promise<EmulatorResponse> {
    try {
      const response = await router.handle(request);
      if (request.method === 'GET' && response.json !== undefined && response.status < 300) {
        const fields = request.query.get('fields');
        const excludeFields = request.query.get('exclude_fields');
        if (fields || excludeFields) return { ...response, json: applyPartialResponse(response.json, fields, excludeFields) };
      }
      return response;
    } catch (error) {
      if (error instanceof MailchimpProblem) return error.response();
      throw error;
    }
  }

  const server = await startEmulatorServer({
    name: 'mailchimp',
    port: options.port,
    faults: options.faults,
    // The results archive stands in for S3: downloading it holds none of the API's 10 connections.
    holdsConnection: (path) => !path.startsWith(RESULTS_PATH),
    handle: async (request) => {
      if (request.path.startsWith(RESULTS_PATH)) {
        // Stands in for the S3 link: no API key, no connection limit.
        const archive = request.method === 'GET' ? batches.archive(request.path.slice(RESULTS_PATH.length)) : undefined;
        if (!archive) return { status: 404, body: 'NoSuchKey', contentType: 'application/xml' };
        return { status: 200, body: archive, contentType: 'application/x-gzip' };
      }
      peakConnections = Math.max(peakConnections, request.inFlight);
      const key = readApiKey(request);
      if (key === undefined) return problems.apiKeyMissing().response();
      if (!isValidKey(key)) return problems.apiKeyInvalid().response();
      if (request.inFlight > maxConnections) return problems.tooManyConnections(maxConnections).response();
      if (paused) await paused.promise;
      return dispatch(request);
    },
    faultResponse: (kind) => {
      if (kind === 'rate-limit') {
        const retryAfter = faults().retryAfterSeconds;
        return problems.tooManyConnections(maxConnections, retryAfter === null ? undefined : { 'retry-after': String(retryAfter) }).response();
      }
      return problems.internal().response();
    },
  });
  faultInjector = server.faults;
  origin = server.url;

  return {
    url: `${server.url}/3.0`,
    origin: server.url,
    apiKey: acceptedKey,
    serverPrefix,
    get calls() {
      return server.calls.filter((call) => !call.path.startsWith(RESULTS_PATH));
    },
    faults: server.faults,
    state: createEmulatorState(store),
    webhooks,
    activity,
    get peakConnections() {
      return peakConnections;
    },
    createList: (name, listOptions) => store.createList(name, listOptions),
    pauseResponses() {
      if (!paused) {
        let release = () => {};
        const promise = new Promise<void>((resolve) => (release = resolve));
        paused = { promise, release };
      }
      const gate = paused;
      return () => {
        if (paused === gate) paused = null;
        gate.release();
      };
    },
    finishPendingBatches: () => batches.finishPendingBatches(),
    clearCalls() {
      server.clearCalls();
      peakConnections = 0;
    },
    reset() {
      paused?.release();
      paused = null;
      store.reset();
      batches.reset();
      webhooks.reset();
      activity.reset();
      server.clearCalls();
      server.faults.reset();
      peakConnections = 0;
    },
    async close() {
      paused?.release();
      batches.reset();
      await webhooks.close();
      await server.close();
    },
  };
}

/** Basic auth (any user name, the key as password) or a Bearer token, as the SDK sends them. */
function readApiKey(request: EmulatorRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, value = ''] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    return separator === -1 ? '' : decoded.slice(separator + 1);
  }
  if (scheme?.toLowerCase() === 'bearer' || scheme?.toLowerCase() === 'oauth') return value;
  return '';
}
