import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SUBSCRIBER } from '../src/demo-audience';
import { runCli, type CliRun } from './run-cli';

const SECRETS = {
  HUBSPOT_ACCESS_TOKEN: 'pat-eu1-secret-hubspot-token-5a1c',
  MAILCHIMP_API_KEY: 'secretmailchimpapikey0123456789-us1',
  SALESFORCE_ACCESS_TOKEN: '00DSECRET!salesforce.session.token.9f3e',
  OPTINTRAIL_SUPPRESSION_KEY: 'secret-suppression-key-0123456789abcdef',
};
const CONFIG_SECRET = 'pat-na1-secret-from-the-config-file-77aa';

/**
 * A hostile stand-in for a CRM: refuses every call with 401 and echoes the credentials it received
 * in the error body, as a badly behaved proxy might. Nothing of it may reach the CLI's output.
 */
function startEchoingServer(): Promise<Server> {
  const server = createServer((request, response) => {
    const authorization = request.headers.authorization ?? '';
    const basic = authorization.startsWith('Basic ') ? Buffer.from(authorization.slice(6), 'base64').toString('utf8') : '';
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'error', category: 'INVALID_AUTHENTICATION', message: `Credentials refused: ${authorization} ${basic}`, detail: `${authorization} ${basic}` }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('no secret appears in any output', () => {
  let server: Server;
  let base: string;
  const directory = mkdtempSync(join(tmpdir(), 'optintrail-cli-secrets-'));
  const events = join(directory, 'events.jsonl');
  const emails = join(directory, 'emails.txt');
  const config = join(directory, 'config.json');
  writeFileSync(events, `${JSON.stringify({ subject: 'a@example.com', at: '2024-01-01T00:00:00Z', type: 'consent.given', purpose: 'newsletter', channel: 'email', source: { kind: 'web-form', name: 'Form' } })}\n`);
  writeFileSync(emails, 'a@example.com\n');

  beforeAll(async () => {
    server = await startEchoingServer();
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(config, JSON.stringify({ hubspot: { accessToken: CONFIG_SECRET, basePath: base } }), { mode: 0o644 });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const environment = () => ({
    ...SECRETS,
    HUBSPOT_BASE_PATH: base,
    MAILCHIMP_SERVER_PREFIX: 'us1',
    MAILCHIMP_LIST_ID: 'a1b2c3d4e5',
    MAILCHIMP_BASE_URL: `${base}/3.0`,
    SALESFORCE_INSTANCE_URL: base,
  });

  const COMMANDS: string[][] = [
    ['--help'],
    ['sync', '--help'],
    ['sync', '--crm', 'hubspot', '--input', events],
    ['sync', '--crm', 'mailchimp', '--input', events],
    ['sync', '--crm', 'salesforce', '--input', events],
    ['sync', '--crm', 'hubspot', '--input', events, '--dry-run', '--json'],
    ['reminder', '--crm', 'hubspot', '--email', DEMO_SUBSCRIBER],
    ['reminder', '--crm', 'mailchimp', '--email', DEMO_SUBSCRIBER, '--json'],
    ['report', '--crm', 'hubspot', '--email', DEMO_SUBSCRIBER, '--format', 'json'],
    ['erase', '--crm', 'hubspot', '--email', DEMO_SUBSCRIBER, '--suppression-file', join(directory, 'suppressed.txt'), '--yes'],
    ['erase', '--crm', 'mailchimp', '--email', DEMO_SUBSCRIBER, '--suppression-file', join(directory, 'suppressed.txt'), '--dry-run', '--json'],
    ['audit', '--crm', 'hubspot', '--emails-file', emails, '--json'],
    ['backfill', '--crm', 'hubspot', '--json'],
    ['backfill', '--crm', 'mailchimp', '--dry-run'],
    ['backfill', '--crm', 'salesforce'],
    ['report', '--crm', 'all', '--email', DEMO_SUBSCRIBER],
    ['erase', '--crm', 'all', '--email', DEMO_SUBSCRIBER, '--suppression-file', join(directory, 'suppressed.txt'), '--yes', '--json'],
    ['sync', '--crm', 'hubspot', '--emulator', '--input', events, '--suppression-file', join(directory, 'suppressed.txt'), '--dry-run'],
    ['reminder', '--crm', 'hubspot', '--emulator', '--email', DEMO_SUBSCRIBER],
    ['demo'],
  ];

  it.each(COMMANDS)('%s %s %s %s', async (...args) => {
    const result = await runCli(args, { env: environment() });
    expectNoSecret(result, Object.values(SECRETS));
    // A refused credential is an operational failure (3), never a crash or a silent success.
    if (args.includes('--input') && !args.includes('--dry-run') && !args.includes('salesforce')) expect(result.code).toBe(3);
  });

  it('with OPTINTRAIL_DEBUG=1 (stack traces on) still prints no secret', async () => {
    const result = await runCli(['sync', '--crm', 'hubspot', '--input', events], { env: { ...environment(), OPTINTRAIL_DEBUG: '1' } });
    expect(result.code).toBe(3);
    expectNoSecret(result, Object.values(SECRETS));
  });

  it('prints no secret read from a --config file, and warns when others can read that file', async () => {
    const result = await runCli(['sync', '--crm', 'hubspot', '--input', events, '--config', config]);
    expect(result.code).toBe(3);
    expectNoSecret(result, [CONFIG_SECRET]);
    expect(result.stderr).toContain(`chmod 600 ${config}`);
  });
});

function expectNoSecret(result: CliRun, secrets: readonly string[]): void {
  const printed = `${result.stdout}\n${result.stderr}`;
  for (const secret of secrets) {
    expect(printed).not.toContain(secret);
    // Nor a recognisable piece of it.
    expect(printed).not.toContain(secret.slice(0, 16));
  }
}
