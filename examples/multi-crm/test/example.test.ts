import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startHubSpotEmulator } from '@optintrail/hubspot/testing';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

const CREDENTIALS = [
  'HUBSPOT_ACCESS_TOKEN',
  'HUBSPOT_BASE_PATH',
  'MAILCHIMP_API_KEY',
  'MAILCHIMP_SERVER_PREFIX',
  'MAILCHIMP_LIST_ID',
  'MAILCHIMP_BASE_URL',
  'SALESFORCE_INSTANCE_URL',
  'SALESFORCE_ACCESS_TOKEN',
  'SALESFORCE_API_VERSION',
];

/** The environment without any CRM credentials, plus `extra`: the example must not reach the network. */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of CREDENTIALS) delete env[name];
  return { ...env, ...extra };
}

describe('multi-crm example', () => {
  it('writes one trail into the three embedded emulators and reads back three identical, verified copies', { timeout: 120_000 }, () => {
    const output = execFileSync('npm', ['start', '--silent'], { cwd: root, encoding: 'utf8', env: environment() });
    expect(output).toMatch(/HubSpot {5}local emulator at http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/Mailchimp {3}local emulator at http:\/\/127\.0\.0\.1:\d+\/3\.0/);
    expect(output).toMatch(/Salesforce {2}local emulator at http:\/\/127\.0\.0\.1:\d+/);
    expect(output.match(/push: 4 events written, 0 already there, 0 failed/g)).toHaveLength(3);
    // What each CRM holds, under its own names.
    expect(output).toMatch(/optintrail_consent_strength +double opt-in/);
    expect(output).toMatch(/\*\|OT_LENGTH\|\* +4/);
    expect(output).toMatch(/OptinTrail_Trail_Length__c +4/);
    expect(output.match(/You are receiving this newsletter because you subscribed on 19 September 2012 at Salon E-commerce Paris\./g)).toHaveLength(3);
    expect(output.match(/Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 lors du Salon E-commerce Paris\./g)).toHaveLength(3);
    // The same head everywhere, and the three copies equal to what was pushed and to each other.
    const heads = [...output.matchAll(/(?:optintrail_trail_head|\*\|OT_HEAD\|\*|OptinTrail_Trail_Head__c) +([0-9a-f]{64})/g)].map((match) => match[1]);
    expect(heads).toHaveLength(3);
    expect(new Set(heads).size).toBe(1);
    expect(output.match(/4 events, chain verified, head [0-9a-f]{16}…, identical to what was pushed/g)).toHaveLength(3);
    expect(output).toContain('The 3 trails read back are identical');
    expect(output).not.toMatch(/DIFFERENT|MISMATCH|DOES NOT VERIFY/);
  });

  it('uses a real account for the CRM whose credentials are set and emulators for the others; a second run writes nothing there', { timeout: 120_000 }, async () => {
    // Stands in for a real HubSpot account: the example only sees credentials and a base path.
    const hubspot = await startHubSpotEmulator({ accessTokens: ['pat-na1-test-token-not-for-logs'] });
    try {
      const env = environment({ HUBSPOT_ACCESS_TOKEN: 'pat-na1-test-token-not-for-logs', HUBSPOT_BASE_PATH: hubspot.url });
      const first = await run('npm', ['start', '--silent'], { cwd: root, encoding: 'utf8', env });
      expect(first.stdout).toContain(`HubSpot     your account at ${hubspot.url} (HUBSPOT_ACCESS_TOKEN is set)`);
      expect(first.stdout).toMatch(/Mailchimp {3}local emulator/);
      expect(first.stdout).toMatch(/Salesforce {2}local emulator/);
      expect(first.stdout).toContain('The 3 trails read back are identical');
      expect(first.stdout + first.stderr).not.toContain('pat-na1-test-token-not-for-logs');

      // Checked in the account itself, not through the example's own reading.
      const contact = hubspot.state.contactByEmail('camille.martin@example.org');
      expect(contact?.properties['optintrail_trail_length']).toBe('4');
      expect(contact?.properties['optintrail_consent_status']).toBe('granted');
      expect(hubspot.state.notesForContact(contact!.id)).toHaveLength(4);

      const second = await run('npm', ['start', '--silent'], { cwd: root, encoding: 'utf8', env });
      expect(second.stdout).toMatch(/HubSpot {5}schema: 0 created, \d+ already there; push: 0 events written, 4 already there, 0 failed/);
      expect(second.stdout).toContain('The 3 trails read back are identical');
      expect(hubspot.state.notesForContact(contact!.id)).toHaveLength(4);
    } finally {
      await hubspot.close();
    }
  });

  it('refuses half-set credentials with a one-line message naming what is missing', { timeout: 120_000 }, async () => {
    const failure = await run('npm', ['start', '--silent'], { cwd: root, encoding: 'utf8', env: environment({ MAILCHIMP_API_KEY: 'abc-us21' }) }).then(
      () => undefined,
      (error: { code?: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('Mailchimp: MAILCHIMP_API_KEY is set but MAILCHIMP_SERVER_PREFIX and MAILCHIMP_LIST_ID are not');
    expect(failure?.stderr).not.toMatch(/^\s+at /m);
    expect(failure?.stdout).not.toContain('Writing');
  });
});
