import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookHandler } from './change-capture';

/** How an incoming Node request is turned into a Fetch API `Request`. */
export interface NodeWebhookListenerOptions {
  /**
   * The public origin the CRM calls, e.g. `https://hooks.example.com`. HubSpot signs the full URL it
   * called, so behind a proxy or a tunnel the URL must be rebuilt with the public origin. Default:
   * `http://` + the request's Host header.
   */
  origin?: string;
  /** Largest body read before answering 413. Default 1 MiB. */
  maxBodyBytes?: number;
}

type NodeListener = (request: IncomingMessage, response: ServerResponse) => void;

/** An Express-style middleware (Express's `req`/`res` extend Node's). */
export type WebhookMiddleware = (request: IncomingMessage & { body?: unknown }, response: ServerResponse, next: (error?: unknown) => void) => void;

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Runs a webhook handler as a `node:http` listener:
 * `http.createServer(toNodeListener(handler)).listen(3000)`.
 */
export function toNodeListener(handler: WebhookHandler, options: NodeWebhookListenerOptions = {}): NodeListener {
  return (request, response) => {
    void serve(handler, request, response, undefined, options).catch((error: unknown) => fail(response, error));
  };
}

/**
 * Runs a webhook handler as an Express middleware: `app.post('/hooks/hubspot', toExpressMiddleware(handler))`.
 * Mount it before any body parser, or behind `express.raw({ type: '*\/*' })`: signatures are computed
 * over the exact bytes, so a body already parsed into an object cannot be verified (it is refused
 * with an error passed to `next`).
 */
export function toExpressMiddleware(handler: WebhookHandler, options: NodeWebhookListenerOptions = {}): WebhookMiddleware {
  return (request, response, next) => {
    const parsed = request.body;
    let body: Uint8Array | undefined;
    if (parsed instanceof Uint8Array) body = parsed;
    else if (typeof parsed === 'string') body = new TextEncoder().encode(parsed);
    else if (parsed !== undefined && request.readableEnded) {
      next(new Error('The webhook body was already parsed by another middleware; mount the OptinTrail receiver before body parsers or behind express.raw({ type: "*/*" }) so the signature can be checked over the raw bytes.'));
      return;
    }
    void serve(handler, request, response, body, options).catch(next);
  };
}

async function serve(handler: WebhookHandler, request: IncomingMessage, response: ServerResponse, given: Uint8Array | undefined, options: NodeWebhookListenerOptions): Promise<void> {
  const origin = (options.origin ?? `http://${request.headers.host ?? '127.0.0.1'}`).replace(/\/+$/, '');
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const method = (request.method ?? 'GET').toUpperCase();
  const body = given ?? (method === 'GET' || method === 'HEAD' ? new Uint8Array(0) : await readBody(request, limit));
  if (body === null) {
    response.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 413, refused: `the body is larger than ${limit} bytes` }));
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const init: RequestInit = { method, headers };
  if (method !== 'GET' && method !== 'HEAD') init.body = body;
  const answer = await handler(new Request(`${origin}${request.url ?? '/'}`, init));
  const responseHeaders: Record<string, string> = {};
  answer.headers.forEach((value, name) => (responseHeaders[name] = value));
  response.writeHead(answer.status, responseHeaders);
  response.end(Buffer.from(await answer.arrayBuffer()));
}

function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.byteLength;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? null : new Uint8Array(Buffer.concat(chunks))));
    request.on('error', reject);
  });
}

function fail(response: ServerResponse, error: unknown): void {
  if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
  // The message may name a vendor operation; it never holds the payload or credentials.
  response.end(JSON.stringify({ status: 500, error: error instanceof Error ? error.name : 'Error' }));
}
