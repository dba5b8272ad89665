/**
 * The sign-up site on `node:http`:
 *
 *   GET  /            the form (`?lang=fr|en`, else the browser's language)
 *   POST /signup      records consent.given with its proof, "sends" the confirmation link
 *   GET  /confirm     records consent.confirmed and shows the welcome with the reminder sentence
 *   GET  /style.css
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateReminder, type CrmAdapter, type Source } from '@optintrail/core';
import { clientAddress } from './client-address';
import { createConfirmationLinks } from './confirmation-links';
import { createConsentRecorder } from './consent-recorder';
import { consentWordingHash, FORM_SOURCE_NAME, FORM_SOURCE_PHRASES, FORM_VERSION, PAGE_COPY, pickLocale, type PageLocale } from './signup-copy';
import { renderCheckInboxPage, renderFormPage, renderMessagePage, renderWelcomePage, STYLESHEET } from './signup-pages';

export interface SignupServerOptions {
  /** Where consents are written. */
  adapter: CrmAdapter;
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Interface to listen on, default 127.0.0.1 (set 0.0.0.0 to serve other machines). */
  host?: string;
  /**
   * The site's address as visitors see it, e.g. `https://example.org`: recorded as the form URL and
   * used in confirmation links. Default `http://<host>:<port>`.
   */
  publicUrl?: string;
  /** Proxies in front of this server whose X-Forwarded-For is believed (see `clientAddress`). Default 0. */
  trustedProxies?: number;
  /** Show the confirmation link in the page, not only in the log. Never on a real site: anyone could confirm any address. */
  demo?: boolean;
  /** The consent's purpose. Default `newsletter`. */
  purpose?: string;
  /** Clock of the events; default the system clock. */
  now?: () => Date;
  /** Where the "sent" confirmation links and errors go. Default `console.log`. */
  log?: (line: string) => void;
}

export interface SignupServer {
  /** The address the server listens on, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** The address recorded in proofs and links. */
  publicUrl: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024;
const SECURITY_HEADERS = {
  // Defence in depth: the pages escape everything, and would run no script even if one slipped through.
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(response: ServerResponse, status: number, body: string, contentType = 'text/html; charset=utf-8'): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new HttpProblem(415, 'Send the form as application/x-www-form-urlencoded.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    // Past the limit the rest is read and dropped (up to a point), so the browser gets the 413 instead of a reset.
    if (size > MAX_BODY_BYTES * 64) break;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) throw new HttpProblem(413, 'Form too large.');
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function origin(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

export async function startSignupServer(options: SignupServerOptions): Promise<SignupServer> {
  const host = options.host ?? '127.0.0.1';
  const purpose = options.purpose ?? 'newsletter';
  const trustedProxies = options.trustedProxies ?? 0;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => console.log(line));
  const recorder = createConsentRecorder({ adapter: options.adapter, now });
  const links = createConfirmationLinks();
  let publicUrl = options.publicUrl?.replace(/\/+$/, '') ?? '';

  const formUrl = (locale: PageLocale) => `${publicUrl}/?lang=${locale}`;
  const formSource = (locale: PageLocale): Source => ({ kind: 'web-form', name: FORM_SOURCE_NAME, url: formUrl(locale), phrases: { ...FORM_SOURCE_PHRASES } });
  const userAgentOf = (request: IncomingMessage) => request.headers['user-agent']?.slice(0, 1000) || undefined;

  async function signup(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = await readForm(request);
    const locale = pickLocale(form.get('lang'), request.headers['accept-language']);
    const values = { email: form.get('email') ?? '', firstName: form.get('firstName') ?? '', consentTicked: form.get('consent') === 'yes' };
    const ip = clientAddress(request, trustedProxies);
    const userAgent = userAgentOf(request);
    const outcome = await recorder.recordSignup({
      ...values,
      purpose,
      source: formSource(locale),
      proof: {
        ...(ip ? { ip } : {}),
        ...(userAgent ? { userAgent } : {}),
        formUrl: formUrl(locale),
        formVersion: `${FORM_VERSION}/${locale}`,
        wordingHash: consentWordingHash(locale),
      },
    });
    if (outcome.kind === 'invalid') {
      send(response, 422, renderFormPage(locale, values, outcome.problems));
      return;
    }
    const token = links.issue({ subject: outcome.subject, consentEventId: outcome.consentEventId, locale, issuedAt: now() });
    const link = `${publicUrl}/confirm?token=${token}`;
    // Stands in for the confirmation email.
    log(`Confirmation email to ${outcome.subject}: ${link}`);
    send(response, 200, renderCheckInboxPage(locale, outcome.subject, options.demo ? link : undefined));
  }

  async function confirm(request: IncomingMessage, response: ServerResponse, query: URLSearchParams): Promise<void> {
    const pending = links.find(query.get('token') ?? '', now());
    const locale = pending?.locale ?? pickLocale(query.get('lang'), request.headers['accept-language']);
    const copy = PAGE_COPY[locale];
    const outcome = pending
      ? await recorder.recordConfirmation({
          subject: pending.subject,
          consentEventId: pending.consentEventId,
          purpose,
          // The token is a secret: the source names the page, not the link.
          source: { kind: 'web-form', name: 'Confirmation link', url: `${publicUrl}/confirm` },
          ip: clientAddress(request, trustedProxies),
          userAgent: userAgentOf(request),
        })
      : undefined;
    if (!outcome) {
      send(response, 404, renderMessagePage(locale, copy.unknownLinkTitle, copy.unknownLink));
      return;
    }
    const reminder = generateReminder(outcome.state, { purpose, touchpoint: 'welcome-message', locale, format: 'html' });
    const firstName = outcome.state.fields['firstName'];
    const name = firstName && !firstName.erased && typeof firstName.value === 'string' ? firstName.value : undefined;
    send(response, 200, renderWelcomePage(locale, name, reminder.kind === 'reminder' ? reminder.text : undefined));
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://form.invalid');
    const locale = pickLocale(url.searchParams.get('lang'), request.headers['accept-language']);
    const route = `${request.method} ${url.pathname}`;
    const handle = async () => {
      if (route === 'GET /' || route === 'HEAD /') return send(response, 200, renderFormPage(locale));
      if (route === 'GET /style.css') return send(response, 200, STYLESHEET, 'text/css; charset=utf-8');
      if (route === 'POST /signup') return signup(request, response);
      if (route === 'GET /confirm') return confirm(request, response, url.searchParams);
      if (['/', '/signup', '/confirm', '/style.css'].includes(url.pathname)) throw new HttpProblem(405, 'Method not allowed.');
      throw new HttpProblem(404, PAGE_COPY[locale].notFound);
    };
    handle().catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      if (error instanceof HttpProblem) return send(response, error.status, renderMessagePage(locale, String(error.status), error.message));
      // A CRM that refused or did not answer: say so, write nothing more. Core's errors carry no credentials.
      log(`Error: ${error instanceof Error ? error.message : String(error)}`);
      const copy = PAGE_COPY[locale];
      send(response, 502, renderMessagePage(locale, copy.crmFailedTitle, copy.crmFailed));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = origin(host, port);
  publicUrl ||= url;
  return {
    url,
    publicUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
