import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultInjector, type FaultKind, type FaultSettings } from './fault-injector';

/** A request as an emulator's handler sees it: the body is already read. */
export interface EmulatorRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/crm/v3/objects/contacts/batch/upsert`. */
  readonly path: string;
  readonly url: URL;
  readonly query: URLSearchParams;
  /** Lower-cased header names, as Node gives them. */
  readonly headers: IncomingMessage['headers'];
  readonly rawBody: Buffer;
  /** The body as text (UTF-8). */
  readonly text: string;
  /** Parameters captured by the route pattern (`:name` segments), URL-decoded. */
  params: Record<string, string>;
  /** Set by the server: how many requests holding a connection are in flight, this one included (see `holdsConnection`). */
  readonly inFlight: number;
}

/** What a handler answers. `json` is serialised with the given content type. */
export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string | Buffer;
  /** Defaults to `application/json;charset=utf-8` when `json` is set. */
  contentType?: string;
}

/** One call as the emulator saw it. Credentials are redacted before they are recorded. */
export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly requestBody: string;
  /** The parsed JSON body, when the request had one. */
  readonly requestBodyJson: unknown;
  readonly status: number;
  readonly responseBodyJson: unknown;
  /** Set when the answer was an injected fault rather than the vendor logic's answer. */
  readonly fault: FaultKind | undefined;
  readonly startedAt: number;
  readonly durationMs: number;
}

export type EmulatorHandler = (request: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

export interface EmulatorServerOptions {
  /** Used in logs and errors, e.g. "hubspot". */
  name: string;
  handle: EmulatorHandler;
  /** How this vendor answers an injected fault (status, headers and body in the vendor's shape). */
  faultResponse: (kind: Exclude<FaultKind, 'drop-connection' | 'timeout' | 'partial-failure'>, request: EmulatorRequest) => EmulatorResponse;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; only loopback makes sense for an emulator. */
  host?: string;
  /** Header names whose values must never be recorded (always includes authorization). */
  secretHeaders?: string[];
  /** Query parameter names whose values must never be recorded (e.g. hapikey, access_token). */
  secretQueryParameters?: string[];
  /** Keep at most this many calls in `calls` (oldest dropped first). Default 100,000. */
  maxRecordedCalls?: number;
  faults?: FaultSettings;
  /**
   * Whether a request to this path holds one of the API's connections, i.e. counts in `inFlight`
   * (default: every request). Mailchimp's batch results stand in for an S3 link, outside its limit.
   */
  holdsConnection?: (path: string) => boolean;
}

export interface EmulatorServer {
  /** Base URL, e.g. `http://127.0.0.1:53124` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Every call answered so far, oldest first. */
  readonly calls: RecordedCall[];
  /** Fault switches; change them at any time. */
  readonly faults: FaultInjector;
  /** Requests holding a connection currently being handled (see `holdsConnection`). */
  readonly inFlight: number;
  /** Forgets recorded calls. */
  clearCalls(): void;
  close(): Promise<void>;
}

const REDACTED = '[redacted]';

/** Starts a real HTTP server on 127.0.0.1 that hands each request to `handle`. */
export async function startEmulatorServer(options: EmulatorServerOptions): Promise<EmulatorServer> {
  const calls: RecordedCall[] = [];
  const faults = new FaultInjector(options.faults);
  const sockets = new Set<Socket>();
  const secretHeaders = new Set(['authorization', 'proxy-authorization', 'cookie', ...(options.secretHeaders ?? []).map((name) => name.toLowerCase())]);
  const secretQuery = new Set(['access_token', 'hapikey', 'apikey', 'api_key', ...(options.secretQueryParameters ?? [])]);
  const maxRecordedCalls = options.maxRecordedCalls ?? 100_000;
  let inFlight = 0;
  let baseUrl = '';

  const record = (call: RecordedCall) => {
    calls.push(call);
    if (calls.length > maxRecordedCalls) calls.splice(0, calls.length - maxRecordedCalls);
  };

  const server: Server = createServer((incoming, outgoing) => {
    let counted = options.holdsConnection?.(new URL(incoming.url ?? '/', 'http://emulator').pathname) ?? true;
    if (counted) inFlight += 1;
    const release = () => {
      if (counted) {
        counted = false;
        inFlight -= 1;
      }
    };
    outgoing.on('close', release);
    void serve(incoming, outgoing).catch((error: unknown) => {
      // A bug in an emulator must surface as a 500 the test sees, not as a hung socket.
      if (!outgoing.headersSent) {
        outgoing.writeHead(500, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ message: `${options.name} emulator error: ${error instanceof Error ? error.message : String(error)}` }));
      } else {
        outgoing.destroy();
      }
    });
  });

  async function serve(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(incoming.url ?? '/', baseUrl);
    const text = rawBody.toString('utf8');
    const request: EmulatorRequest = {
      method: (incoming.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      url,
      query: url.searchParams,
      headers: incoming.headers,
      rawBody,
      text,
      params: {},
      inFlight,
    };

    const fault = faults.draw(request);
    const latency = faults.latencyMs(request);

    let response: EmulatorResponse | undefined;
    if (fault === 'drop-connection') {
      recordCall(request, startedAt, 0, undefined, fault);
      incoming.socket.destroy();
      return;
    }
    if (fault === 'timeout') {
      recordCall(request, startedAt, 0, undefined, fault);
      // Never answer; the client's timeout decides. The socket is destroyed on close().
      return;
    }
    if (fault === 'rate-limit' || fault === 'server-error') {
      response = options.faultResponse(fault, request);
    } else {
      response = await options.handle(request);
    }
    // The request is handled (and counted against rate windows) as it arrives; the latency is the
    // time its answer takes, as a vendor's processing and the way back would.
    if (latency > 0) await delay(latency);
    send(outgoing, response);
    recordCall(request, startedAt, response.status, response.json, fault);
  }

  function recordCall(request: EmulatorRequest, startedAt: number, status: number, responseJson: unknown, fault: FaultKind | undefined) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined) continue;
      headers[name] = secretHeaders.has(name) ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
    }
    const query: Record<string, string> = {};
    for (const [name, value] of request.query) query[name] = secretQuery.has(name) ? REDACTED : value;
    record({
      method: request.method,
      path: request.path,
      query,
      headers,
      requestBody: request.text,
      requestBodyJson: parseJsonOrUndefined(request.text),
      status,
      responseBodyJson: responseJson,
      fault,
      startedAt,
      durationMs: Date.now() - startedAt,
    });
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  return {
    url: baseUrl,
    port: address.port,
    calls,
    faults,
    get inFlight() {
      return inFlight;
    },
    clearCalls() {
      calls.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
    },
  };
}

function send(outgoing: ServerResponse, response: EmulatorResponse) {
  const headers: Record<string, string> = { ...response.headers };
  let body: string | Buffer | undefined = response.body;
  if (response.json !== undefined) {
    body = JSON.stringify(response.json);
    headers['content-type'] = response.contentType ?? 'application/json;charset=utf-8';
  } else if (response.contentType) {
    headers['content-type'] = response.contentType;
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  outgoing.writeHead(response.status, headers);
  outgoing.end(body);
}

function parseJsonOrUndefined(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
