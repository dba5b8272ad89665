import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SUBSCRIBER } from '../src/demo-audience';
import { runCli, startStandaloneEmulator, type StandaloneEmulator } from './run-cli';

const directory = mkdtempSync(join(tmpdir(), 'optintrail-cli-several-'));
const KEY = { OPTINTRAIL_SUPPRESSION_KEY: 'a-suppression-key-of-32-characters!' };

interface ReportJson {
  subject: string;
  sections: Array<{ label: string; verification: { valid: boolean } }>;
}

const fingerprintsIn = (file: string) => readFileSync(file, 'utf8').split('\n').filter((line) => line.startsWith('hmac-sha256:'));

describe('report over several CRMs', () => {
  it('--crm all with --emulator gives one labelled section per CRM', async () => {
    const result = await runCli(['report', '--crm', 'all', '--emulator', '--email', DEMO_SUBSCRIBER, '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ReportJson;
    expect(report.subject).toBe(DEMO_SUBSCRIBER);
    expect(report.sections.map((section) => section.label)).toEqual(['HubSpot', 'Mailchimp', 'Salesforce']);
    expect(report.sections.every((section) => section.verification.valid)).toBe(true);
  });

  it('takes --crm several times, in order and once each, and labels each section in the text', async () => {
    const result = await runCli(['report', '--crm', 'mailchimp', '--crm', 'hubspot', '--crm', 'mailchimp', '--emulator', '--email', DEMO_SUBSCRIBER, '--format', 'text']);
    expect(result.code).toBe(0);
    const mailchimp = result.stdout.indexOf('Mailchimp');
    const hubspot = result.stdout.indexOf('HubSpot');
    expect(mailchimp).toBeGreaterThan(-1);
    expect(hubspot).toBeGreaterThan(mailchimp);
    expect(result.stdout).not.toContain('Salesforce');
    expect(result.stdout).toContain('Salon E-commerce Paris');
  });

  it('reports an unknown person as held nowhere (exit 1), naming every CRM searched', async () => {
    const result = await runCli(['report', '--crm', 'hubspot', '--crm', 'salesforce', '--emulator', '--email', 'nobody@example.com', '--format', 'json']);
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as ReportJson).sections.map((section) => section.label)).toEqual(['HubSpot', 'Salesforce']);
    expect(result.stderr).toContain('note: HubSpot holds no trail for nobody@example.com');
    expect(result.stderr).toContain('note: Salesforce holds no trail for nobody@example.com');
  });

  describe('with only HubSpot configured', () => {
    let emulator: StandaloneEmulator;
    beforeAll(async () => {
      emulator = await startStandaloneEmulator('hubspot');
    });
    afterAll(async () => {
      await emulator.stop();
    });

    it('--crm all covers the configured CRM only', async () => {
      const result = await runCli(['report', '--crm', 'all', '--email', DEMO_SUBSCRIBER, '--format', 'json'], { env: emulator.environment });
      // The standalone emulator starts empty: the report says so, and exits 1.
      expect(result.code).toBe(1);
      expect((JSON.parse(result.stdout) as ReportJson).sections.map((section) => section.label)).toEqual(['HubSpot']);
    });
  });
});

describe('erase over several CRMs', () => {
  it('--crm all erases everywhere and appends the fingerprint once', async () => {
    const suppressionFile = join(directory, 'all.txt');
    const result = await runCli(['erase', '--crm', 'all', '--emulator', '--email', 'alex.moreau@example.org', '--suppression-file', suppressionFile, '--yes', '--json'], { env: KEY });
    expect(result.code).toBe(0);
    const erased = JSON.parse(result.stdout) as { fingerprint: string; complete: boolean; receipts: Array<{ label: string; adapter: string; removed: string[] }>; failures: unknown[]; receipt?: unknown };
    expect(erased.complete).toBe(true);
    expect(erased.failures).toEqual([]);
    expect(erased.receipts.map((receipt) => receipt.label)).toEqual(['HubSpot', 'Mailchimp', 'Salesforce']);
    expect(erased.receipts.every((receipt) => receipt.removed.length > 0)).toBe(true);
    // `receipt` alone is the shape of a single erasure only.
    expect(erased).not.toHaveProperty('receipt');
    expect(fingerprintsIn(suppressionFile)).toEqual([erased.fingerprint]);
    expect(readFileSync(suppressionFile, 'utf8')).not.toContain('alex');
  });

  it('a dry run lists each CRM and writes nothing', async () => {
    const suppressionFile = join(directory, 'dry.txt');
    const result = await runCli(['erase', '--crm', 'hubspot', '--crm', 'salesforce', '--emulator', '--email', 'alex.moreau@example.org', '--suppression-file', suppressionFile, '--dry-run'], { env: KEY });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Dry run: would erase alex.moreau@example.org from HubSpot (4 events in its trail).');
    expect(result.stdout).toContain('Dry run: would erase alex.moreau@example.org from Salesforce (4 events in its trail).');
    expect(() => readFileSync(suppressionFile)).toThrow();
  });

  describe('when one CRM fails', () => {
    let emulator: StandaloneEmulator;
    let refusing: Server;
    beforeAll(async () => {
      emulator = await startStandaloneEmulator('hubspot');
      // A Mailchimp that refuses every call (401 is not retried).
      refusing = createServer((_request, response) => {
        response.writeHead(401, { 'content-type': 'application/problem+json' });
        response.end(JSON.stringify({ type: 'about:blank', title: 'API Key Invalid', status: 401, detail: 'Your API key may be invalid.', instance: 'x' }));
      });
      await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await emulator.stop();
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    });

    it('erases the others, keeps the fingerprint, names the failure and exits 3', async () => {
      const suppressionFile = join(directory, 'partial.txt');
      const env = {
        ...KEY,
        ...emulator.environment,
        MAILCHIMP_API_KEY: 'refusedkey0123456789abcdef012345-us1',
        MAILCHIMP_SERVER_PREFIX: 'us1',
        MAILCHIMP_LIST_ID: 'a1b2c3d4e5',
        MAILCHIMP_BASE_URL: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/3.0`,
      };
      const result = await runCli(['erase', '--crm', 'hubspot', '--crm', 'mailchimp', '--email', 'someone@example.com', '--suppression-file', suppressionFile, '--yes'], { env });
      expect(result.code).toBe(3);
      expect(result.stdout).toMatch(/^Erased someone@example.com from HubSpot with /m);
      expect(result.stdout).toMatch(/^! Not erased from Mailchimp: /m);
      expect(result.stderr).toMatch(/someone@example.com was not erased from Mailchimp; the address is on the suppression list, and re-running the command is safe/);
      expect(fingerprintsIn(suppressionFile)).toHaveLength(1);
      expect(`${result.stdout}${result.stderr}`).not.toContain('refusedkey0123456789');
    });
  });
});
