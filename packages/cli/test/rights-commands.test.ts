import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_PEOPLE, DEMO_SUBSCRIBER } from '../src/demo-audience';
import { runCli } from './run-cli';

const directory = mkdtempSync(join(tmpdir(), 'optintrail-cli-rights-'));
const KEY = { OPTINTRAIL_SUPPRESSION_KEY: 'a-suppression-key-of-32-characters!' };

describe('reminder', () => {
  it('prints the French sentence read back from the CRM', async () => {
    const result = await runCli(['reminder', '--crm', 'mailchimp', '--emulator', '--email', DEMO_SUBSCRIBER, '--locale', 'fr', '--touchpoint', 'email-footer']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 lors du Salon E-commerce Paris.\n');
    expect(result.stderr).toContain('note: the emulator holds the demo audience');
  });

  it('escapes data in HTML and gives the result as JSON', async () => {
    const result = await runCli(['reminder', '--crm', 'hubspot', '--emulator', '--email', DEMO_SUBSCRIBER, '--html', '--json', '--touchpoint', 'unsubscribe-page']);
    expect(result.code).toBe(0);
    const reminder = JSON.parse(result.stdout) as { kind: string; text: string; strength: string };
    expect(reminder.kind).toBe('reminder');
    expect(reminder.strength).toBe('double-opt-in');
    expect(reminder.text).toContain('Salon E-commerce Paris');
    expect(reminder.text).toMatch(/<bdi>/);
  });

  it('refuses to invent a sentence for a withdrawn consent (exit 1)', async () => {
    const result = await runCli(['reminder', '--crm', 'salesforce', '--emulator', '--email', 'alex.moreau@example.org']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no traceable consent for alex.moreau@example.org (newsletter): withdrawn');
  });

  it('says when the CRM holds no trail for the address (exit 1)', async () => {
    const result = await runCli(['reminder', '--crm', 'hubspot', '--emulator', '--email', 'nobody@example.com']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^optintrail: error: HubSpot holds no trail for nobody@example.com$/m);
  });
});

describe('report', () => {
  it.each([
    ['json', (text: string) => expect(JSON.parse(text)).toMatchObject({ subject: DEMO_SUBSCRIBER })],
    ['text', (text: string) => expect(text).toContain('Salon E-commerce Paris')],
    ['html', (text: string) => expect(text.trimStart().startsWith('<')).toBe(true)],
  ] as const)('prints the access report as %s', async (format, check) => {
    const result = await runCli(['report', '--crm', 'hubspot', '--emulator', '--email', DEMO_SUBSCRIBER, '--format', format]);
    expect(result.code).toBe(0);
    check(result.stdout);
  });
});

describe('erase', () => {
  it('shows what it would do on a dry run, and touches nothing', async () => {
    const suppressionFile = join(directory, 'dry-run.txt');
    const result = await runCli(['erase', '--crm', 'hubspot', '--emulator', '--email', 'alex.moreau@example.org', '--suppression-file', suppressionFile, '--dry-run'], { env: KEY });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Dry run: would erase alex.moreau@example.org from HubSpot (4 events in its trail).');
    expect(existsSync(suppressionFile)).toBe(false);
  });

  it('erases, appends the fingerprint once, and sync then refuses the address', async () => {
    const suppressionFile = join(directory, 'suppressed.txt');
    const first = await runCli(['erase', '--crm', 'hubspot', '--emulator', '--email', 'Alex.Moreau@example.org', '--suppression-file', suppressionFile, '--yes', '--json'], { env: KEY });
    expect(first.code).toBe(0);
    const receipt = JSON.parse(first.stdout) as { fingerprint: string; receipt: { adapter: string; removed: string[] } };
    expect(receipt.fingerprint).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(receipt.receipt.removed.length).toBeGreaterThan(0);
    const fingerprints = () => readFileSync(suppressionFile, 'utf8').split('\n').filter((line) => line.startsWith('hmac-sha256:'));
    expect(fingerprints()).toEqual([receipt.fingerprint]);
    expect(readFileSync(suppressionFile, 'utf8')).not.toContain('alex');

    const second = await runCli(['erase', '--crm', 'salesforce', '--emulator', '--email', 'alex.moreau@example.org', '--suppression-file', suppressionFile, '--yes'], { env: KEY });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`suppression fingerprint already in ${suppressionFile}`);
    expect(fingerprints()).toHaveLength(1);

    const input = join(directory, 'reimport.jsonl');
    writeFileSync(input, `${DEMO_PEOPLE[4]!.initial.map((event) => JSON.stringify(event)).join('\n')}\n${JSON.stringify(DEMO_PEOPLE[1]!.initial[0])}\n`);
    const sync = await runCli(['sync', '--crm', 'hubspot', '--emulator', '--input', input, '--suppression-file', suppressionFile, '--json', '--quiet'], { env: KEY });
    expect(sync.code).toBe(1);
    const summary = JSON.parse(sync.stdout) as { subjects: { written: number }; failures: Array<{ subject: string; kind: string }> };
    expect(summary.subjects.written).toBe(1);
    expect(summary.failures).toEqual([expect.objectContaining({ subject: 'alex.moreau@example.org', kind: 'suppressed' })]);
  });
});

describe('audit', () => {
  const demoEvents = join(directory, 'demo.jsonl');
  writeFileSync(demoEvents, `${DEMO_PEOPLE.flatMap((person) => [...person.initial, ...person.later]).map((event) => JSON.stringify(event)).join('\n')}\n`);

  it('audits an input file without any CRM', async () => {
    const result = await runCli(['audit', '--input', demoEvents, '--json']);
    const report = JSON.parse(result.stdout) as { trails: number; noTraceableOptIn: { count: number; examples: Array<{ subject: string }> }; brokenChains: { count: number } };
    expect(report.trails).toBe(5);
    expect(report.brokenChains.count).toBe(0);
    // The partner import has no proof: it cannot show an opt-in, so the audit fails (exit 1).
    expect(report.noTraceableOptIn.examples.map((example) => example.subject)).toContain('jordan.lee@example.net');
    expect(result.code).toBe(1);
  });

  it('audits addresses read back from a CRM and lists those it does not hold', async () => {
    const emails = join(directory, 'emails.txt');
    writeFileSync(emails, `# demo audience\n${DEMO_PEOPLE.map((person) => person.email).join('\n')}\nnobody@example.com\n`);
    const result = await runCli(['audit', '--crm', 'mailchimp', '--emulator', '--emails-file', emails, '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { trails: number; notRead: Array<{ subject: string; reason: string }> };
    expect(report.trails).toBe(5);
    expect(report.notRead).toEqual([{ subject: 'nobody@example.com', reason: 'Mailchimp holds no trail for this address' }]);
  });

  it('prints a readable summary', async () => {
    const result = await runCli(['audit', '--input', demoEvents, '--locale', 'en']);
    expect(result.stdout.length).toBeGreaterThan(0);
    expect(result.stdout).toMatch(/jordan\.lee@example\.net/);
  });
});
