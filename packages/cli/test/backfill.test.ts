import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldTrail, generateReminder, suppressionFingerprint, verifyTrail } from '@optintrail/core';
import { createHubSpotAdapter, type HubSpotAdapter } from '@optintrail/hubspot';
import { startHubSpotEmulator, type HubSpotEmulator } from '@optintrail/hubspot/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKFILL_ENTERED_BY_STAFF, BACKFILL_IMPORTED, BACKFILL_UNSUBSCRIBED, seedHubSpotExistingContacts } from '../src/backfill-audience';
import { buildDemoTrails, DEMO_SUBSCRIBER } from '../src/demo-audience';
import { runCli } from './run-cli';

const directory = mkdtempSync(join(tmpdir(), 'optintrail-cli-backfill-'));
const KEY = 'a-suppression-key-of-32-characters!';

interface BackfillSummary {
  crm: string;
  dryRun: boolean;
  complete: boolean;
  contacts: { seen: number; trailsWritten: number; newTrails: number; extendedTrails: number; upToDate: number; skipped: number; failed: number };
  events: { written: number; alreadyInTrails: number };
  proofStrength: { 'double-opt-in': number; 'single-opt-in': number; 'no-proof': number; withdrawn: number };
  newTrailsWithoutConsent: number;
  failures: Array<{ subject: string; reason: string }>;
}

describe('backfill --emulator', () => {
  // Each emulator holds three contacts made before OptinTrail and one with a trail (see backfill-audience.ts).
  it.each([
    // HubSpot: an import subscribed without evidence, a contact typed in by staff (data only), an opt-out.
    ['hubspot', { 'double-opt-in': 0, 'single-opt-in': 0, 'no-proof': 1, withdrawn: 1 }, 1],
    // Mailchimp: an import without evidence, a form signup with its IP, a signup later unsubscribed.
    ['mailchimp', { 'double-opt-in': 0, 'single-opt-in': 1, 'no-proof': 1, withdrawn: 1 }, 0],
    // Salesforce: a consent record (no evidence), a contact made by staff (data only), Email Opt Out.
    ['salesforce', { 'double-opt-in': 0, 'single-opt-in': 0, 'no-proof': 1, withdrawn: 1 }, 1],
  ] as const)('%s: a dry run and a run agree on the counts and the evidence of every new trail', async (crm, proofStrength, withoutConsent) => {
    const dry = await runCli(['backfill', '--crm', crm, '--emulator', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const preview = JSON.parse(dry.stdout) as BackfillSummary;
    expect(preview).toMatchObject({ crm, dryRun: true, complete: true, contacts: { seen: 4, newTrails: 3, extendedTrails: 0, upToDate: 1, skipped: 0, failed: 0 }, proofStrength, newTrailsWithoutConsent: withoutConsent });

    const run = await runCli(['backfill', '--crm', crm, '--emulator', '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as BackfillSummary;
    expect(summary).toMatchObject({ crm, dryRun: false, complete: true, contacts: { seen: 4, trailsWritten: 3, newTrails: 3, upToDate: 1, skipped: 0, failed: 0 }, proofStrength, newTrailsWithoutConsent: withoutConsent, failures: [] });
    expect(summary.events.written).toBe(preview.events.written);
    expect(run.stderr).toContain(`one OptinTrail already keeps a trail for (${DEMO_SUBSCRIBER})`);
  });

  it('prints a readable summary with the evidence breakdown, and progress on stderr', async () => {
    const result = await runCli(['backfill', '--crm', 'salesforce', '--emulator']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Salesforce backfill: 4 contacts seen$/m);
    expect(result.stdout).toMatch(/trails written: 3 \(3 new, 0 extended\)/);
    expect(result.stdout).toMatch(/failed: +0 contacts/);
    expect(result.stdout).toMatch(/no proof \(import\) +1 +the reminder says "your details were added to our list on…", never "you subscribed"/);
    expect(result.stdout).toMatch(/withdrawn +1/);
    expect(result.stderr).toMatch(/Salesforce: 4 contacts read, 3 trails written, 0 failed/);
  });

  it('refuses an address erased earlier (suppression file) and exits 1', async () => {
    const suppressionFile = join(directory, 'suppressed.txt');
    writeFileSync(suppressionFile, `${suppressionFingerprint(BACKFILL_UNSUBSCRIBED, KEY)}\n`);
    const result = await runCli(['backfill', '--crm', 'mailchimp', '--emulator', '--suppression-file', suppressionFile, '--json', '--quiet'], { env: { OPTINTRAIL_SUPPRESSION_KEY: KEY } });
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as BackfillSummary;
    expect(summary.contacts).toMatchObject({ newTrails: 2, failed: 1 });
    expect(summary.failures).toEqual([expect.objectContaining({ subject: BACKFILL_UNSUBSCRIBED, reason: expect.stringMatching(/^suppressed/) })]);
    expect(`${result.stdout}${result.stderr}`).not.toContain(KEY);
  });

  it('refuses --subscription outside HubSpot, and a malformed one', async () => {
    const mailchimp = await runCli(['backfill', '--crm', 'mailchimp', '--emulator', '--subscription', 'newsletter=101']);
    expect(mailchimp.code).toBe(2);
    expect(mailchimp.stderr).toMatch(/--subscription is for HubSpot subscription types/);
    const malformed = await runCli(['backfill', '--crm', 'hubspot', '--emulator', '--subscription', 'newsletter']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/<purpose>=<subscription type id>/);
  });
});

describe('backfill of a HubSpot account (an emulator that keeps its state)', () => {
  const APP_ID = '7654321';
  let emulator: HubSpotEmulator;
  let adapter: HubSpotAdapter;
  let env: Record<string, string>;

  beforeAll(async () => {
    emulator = await startHubSpotEmulator({ appId: APP_ID, rateLimit: false });
    adapter = createHubSpotAdapter({ accessToken: 'test-token', basePath: emulator.url, rateLimit: false });
    await adapter.ensureSchema();
    await adapter.push([buildDemoTrails().complete.find((trail) => trail.subject === DEMO_SUBSCRIBER)!]);
    await seedHubSpotExistingContacts(emulator, { accessToken: 'test-token', newsletterSubscriptionId: 101 });
    env = { HUBSPOT_ACCESS_TOKEN: 'test-token', HUBSPOT_BASE_PATH: emulator.url, HUBSPOT_APP_ID: APP_ID };
  });
  afterAll(() => emulator.close());

  it('writes nothing on a dry run, then verifying trails with honest reminders, then nothing twice', async () => {
    const keptBefore = (await adapter.pull({ email: DEMO_SUBSCRIBER }))!;
    const notesBefore = emulator.state.notes().length;

    const dry = await runCli(['backfill', '--crm', 'hubspot', '--subscription', 'newsletter=101', '--dry-run', '--json', '--quiet'], { env });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, contacts: { seen: 4, newTrails: 3 }, proofStrength: { 'no-proof': 1, withdrawn: 1 } });
    expect(emulator.state.notes()).toHaveLength(notesBefore);
    expect(await adapter.pull({ email: BACKFILL_IMPORTED })).toBeNull();

    const run = await runCli(['backfill', '--crm', 'hubspot', '--subscription', 'newsletter=101', '--json', '--quiet'], { env });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ contacts: { seen: 4, newTrails: 3, upToDate: 1, failed: 0 }, proofStrength: { 'no-proof': 1, withdrawn: 1 }, newTrailsWithoutConsent: 1 });

    // The import's trail verifies; its consent has no evidence, and the reminder says only what is known.
    const imported = (await adapter.pull({ email: BACKFILL_IMPORTED }))!;
    expect(verifyTrail(imported).valid).toBe(true);
    expect(imported.events.map((event) => [event.type, event.source.kind])).toEqual([
      ['data.collected', 'import'],
      ['data.updated', 'crm-user'],
      ['consent.given', 'import'],
    ]);
    expect(foldTrail(imported).consents[0]).toMatchObject({ status: 'granted', strength: 'no-proof' });
    const reminder = await runCli(['reminder', '--crm', 'hubspot', '--email', BACKFILL_IMPORTED], { env });
    expect(reminder.code).toBe(0);
    expect(reminder.stdout).toMatch(/^You are receiving this newsletter because your details were added to our list on /);
    expect(reminder.stdout).not.toContain('you subscribed');
    // The opt-out is a withdrawal: no sentence is invented. The contact typed in by staff holds data only.
    expect(generateReminder(foldTrail((await adapter.pull({ email: BACKFILL_UNSUBSCRIBED }))!), { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en' })).toMatchObject({
      kind: 'no-traceable-consent',
    });
    expect((await adapter.pull({ email: BACKFILL_ENTERED_BY_STAFF }))!.events.map((event) => event.type)).toEqual(['data.collected']);
    // OptinTrail's own writes (signed with the app id) are not history: the kept trail gained nothing.
    expect(await adapter.pull({ email: DEMO_SUBSCRIBER })).toEqual(keptBefore);

    const again = await runCli(['backfill', '--crm', 'hubspot', '--subscription', 'newsletter=101', '--json', '--quiet'], { env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ contacts: { seen: 4, trailsWritten: 0, newTrails: 0, upToDate: 4, failed: 0 }, events: { written: 0 } });
  });

  it('without HUBSPOT_APP_ID leaves contacts that hold a trail alone, and says so', async () => {
    const staffEdit = emulator.state.contactByEmail(BACKFILL_ENTERED_BY_STAFF)!;
    emulator.state.updateContactProperty(staffEdit.id, 'company', 'Atelier Bernard & Fils');
    const before = await adapter.pull({ email: BACKFILL_ENTERED_BY_STAFF });
    const { HUBSPOT_APP_ID: _unused, ...withoutAppId } = env;
    const result = await runCli(['backfill', '--crm', 'hubspot', '--json', '--quiet'], { env: withoutAppId });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/note: HUBSPOT_APP_ID is not set: contacts that already hold a trail are left as they are/);
    expect(result.stderr).toMatch(/note: no --subscription given/);
    expect(JSON.parse(result.stdout)).toMatchObject({ contacts: { seen: 4, trailsWritten: 0, upToDate: 4 } });
    expect(await adapter.pull({ email: BACKFILL_ENTERED_BY_STAFF })).toEqual(before);

    // With the app id, the staff edit made since is added to that trail, and only it.
    const withAppId = await runCli(['backfill', '--crm', 'hubspot', '--subscription', 'newsletter=101', '--json', '--quiet'], { env });
    expect(JSON.parse(withAppId.stdout)).toMatchObject({ contacts: { extendedTrails: 1, upToDate: 3 }, events: { written: 1 } });
    const extended = (await adapter.pull({ email: BACKFILL_ENTERED_BY_STAFF }))!;
    expect(verifyTrail(extended).valid).toBe(true);
    expect(extended.events.at(-1)).toMatchObject({ type: 'data.updated', source: { kind: 'crm-user' }, fields: [{ name: 'company', value: 'Atelier Bernard & Fils', previousValue: 'Atelier Bernard' }] });
  });
});
