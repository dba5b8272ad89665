import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress, parseTrustProxy } from '../src/client-address';
import { connectCrm, type CrmConnection } from '../src/crm-connection';
import { CONSENT_WORDING, consentWordingHash, FORM_VERSION } from '../src/signup-copy';
import { escapeHtml } from '../src/signup-pages';
import { startSignupServer, type SignupServer } from '../src/signup-server';
import { storedEvents } from './stored-events';

const root = fileURLToPath(new URL('..', import.meta.url));
const NOW = new Date('2025-03-14T09:30:00Z');

function post(server: SignupServer, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'SignupTest/1.0', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

function linkIn(lines: string[]): string {
  const match = /Confirmation email to \S+: (http\S+)/.exec(lines.at(-1) ?? '');
  if (!match) throw new Error(`no confirmation link logged: ${lines.join('\n')}`);
  return match[1]!;
}

describe('web-signup-form over HTTP', () => {
  let crm: CrmConnection;
  beforeAll(async () => {
    crm = await connectCrm({});
    await crm.adapter.ensureSchema();
  });
  afterAll(() => crm.close());

  it('connects to an embedded HubSpot emulator when no CRM credentials are set', () => {
    expect(crm.label).toBe('HubSpot');
    expect(crm.emulator?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('records the socket address and ignores X-Forwarded-For unless TRUST_PROXY says a proxy is there', async () => {
    const log: string[] = [];
    const direct = await startSignupServer({ adapter: crm.adapter, port: 0, now: () => NOW, log: (line) => log.push(line) });
    const proxied = await startSignupServer({ adapter: crm.adapter, port: 0, trustedProxies: 1, now: () => NOW, log: (line) => log.push(line) });
    try {
      const forged = { 'x-forwarded-for': '203.0.113.9' };
      expect((await post(direct, { lang: 'en', email: 'direct@example.org', consent: 'yes' }, forged)).status).toBe(200);
      // Behind one trusted proxy: the client wrote the left entry (forgeable), the proxy appended the right one.
      expect((await post(proxied, { lang: 'en', email: 'proxied@example.org', consent: 'yes' }, { 'x-forwarded-for': '203.0.113.9, 198.51.100.23' })).status).toBe(200);

      const [directConsent] = storedEvents(crm.emulator!, 'direct@example.org');
      expect(directConsent?.proof).toEqual({
        ip: '127.0.0.1',
        userAgent: 'SignupTest/1.0',
        formUrl: `${direct.url}/?lang=en`,
        formVersion: `${FORM_VERSION}/en`,
        wordingHash: createHash('sha256').update(CONSENT_WORDING.en, 'utf8').digest('hex'),
      });
      expect(storedEvents(crm.emulator!, 'proxied@example.org')[0]?.proof?.ip).toBe('198.51.100.23');
    } finally {
      await direct.close();
      await proxied.close();
    }
  });

  it('shows a ValidationError from core next to its field, with its path, and writes nothing', async () => {
    const server = await startSignupServer({ adapter: crm.adapter, port: 0, now: () => NOW, log: () => undefined });
    try {
      const callsBefore = crm.emulator!.calls.length;
      const response = await post(server, { lang: 'fr', email: 'bell@example.org', firstName: 'Ding\u0007dong', consent: 'yes' });
      expect(response.status).toBe(422);
      const html = await response.text();
      expect(html).toContain('<span class="error" id="firstName-error" data-path="events[1].fields[0].value">must not contain control characters other than tab and newline</span>');
      expect(html).toContain('<span class="error" id="email-error"></span>');
      expect(html).toContain('Rien n’a été enregistré');
      // Not even a read: validation comes before the CRM.
      expect(crm.emulator!.calls.length).toBe(callsBefore);
      expect(crm.emulator!.state.contactByEmail('bell@example.org')).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('confirms once: a second click shows the welcome again without a second consent.confirmed; an unknown token is a 404', async () => {
    const log: string[] = [];
    const server = await startSignupServer({ adapter: crm.adapter, port: 0, now: () => NOW, log: (line) => log.push(line) });
    try {
      const page = await (await post(server, { lang: 'en', email: 'Twice@Example.org', firstName: 'Sam', consent: 'yes' })).text();
      // Not in demo mode: the link goes to the log (the mailer), never into the page.
      expect(page).not.toContain('/confirm?token=');
      const link = linkIn(log);
      expect(link.startsWith(`${server.url}/confirm?token=`)).toBe(true);

      const first = await fetch(link);
      expect(first.status).toBe(200);
      const welcome = await first.text();
      expect(welcome).toContain('Welcome, <strong>Sam</strong>!');
      expect(welcome.replace(/<\/?bdi>/g, '')).toContain('Thank you for subscribing on 14 March 2025 through the sign-up form on Example.org: from now on, you will receive this newsletter.');
      expect((await fetch(link)).status).toBe(200);
      const types = storedEvents(crm.emulator!, 'twice@example.org').map((event) => event.type);
      expect(types).toEqual(['consent.given', 'data.collected', 'consent.confirmed']);

      const unknown = await fetch(`${server.url}/confirm?token=not-a-token`);
      expect(unknown.status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('refuses what is not a form post', async () => {
    const server = await startSignupServer({ adapter: crm.adapter, port: 0, log: () => undefined });
    try {
      expect((await fetch(`${server.url}/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(415);
      expect((await fetch(`${server.url}/signup`)).status).toBe(405);
      expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
      const big = await post(server, { lang: 'en', email: 'big@example.org', firstName: 'x'.repeat(200_000), consent: 'yes' });
      expect(big.status).toBe(413);
      expect(crm.emulator!.state.contactByEmail('big@example.org')).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('serves with `npm start` on PORT and prints the URL', { timeout: 120_000 }, async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
    for (const name of ['HUBSPOT_ACCESS_TOKEN', 'MAILCHIMP_API_KEY', 'MAILCHIMP_SERVER_PREFIX', 'MAILCHIMP_LIST_ID', 'SALESFORCE_INSTANCE_URL', 'SALESFORCE_ACCESS_TOKEN', 'PUBLIC_URL', 'TRUST_PROXY', 'DEMO_MODE']) delete env[name];
    // Its own process group, so the whole npm → tsx → node chain can be stopped by its id.
    const child = spawn('npm', ['start', '--silent'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /Sign-up form: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
          if (match) resolve(match[1]!);
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before printing the URL:\n${output}`)));
      });
      expect(output).toContain('Consents go to a local HubSpot emulator at http://127.0.0.1:');
      expect(output).toContain('Demo mode');
      const form = await (await fetch(`${url}/?lang=fr`)).text();
      expect(form).toContain('<html lang="fr">');
      expect(form).toContain(`<label for="consent" id="consent-wording">${escapeHtml(CONSENT_WORDING.fr)}</label>`);
    } finally {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
    }
  });
});

describe('client address and TRUST_PROXY', () => {
  const request = (peer: string, forwarded?: string) => ({ socket: { remoteAddress: peer }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage;

  it('parses TRUST_PROXY', () => {
    expect([undefined, '', '0', 'false', 'true', '2'].map(parseTrustProxy)).toEqual([0, 0, 0, 0, 1, 2]);
    expect(() => parseTrustProxy('maybe')).toThrow(/TRUST_PROXY/);
  });

  it('takes the peer without trusted proxies, else the entry the last trusted proxy saw', () => {
    expect(clientAddress(request('::ffff:192.0.2.1', '203.0.113.9'), 0)).toBe('192.0.2.1');
    expect(clientAddress(request('10.0.0.2', '203.0.113.9, 198.51.100.23'), 1)).toBe('198.51.100.23');
    expect(clientAddress(request('10.0.0.2', '203.0.113.9, 198.51.100.23, 10.0.0.1'), 2)).toBe('198.51.100.23');
    expect(clientAddress(request('10.0.0.2'), 1)).toBe('10.0.0.2');
    expect(clientAddress(request('10.0.0.2', 'unknown'), 1)).toBeUndefined();
  });

  it('hashes the wording the page shows', () => {
    expect(consentWordingHash('fr')).toBe(createHash('sha256').update(CONSENT_WORDING.fr, 'utf8').digest('hex'));
    expect(consentWordingHash('fr')).not.toBe(consentWordingHash('en'));
  });
});
