import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('webhook-receiver example', () => {
  it('captures changes made inside the three emulated CRMs, refuses a forged delivery, ignores a replay and backfills honestly', { timeout: 120_000 }, () => {
    // No credentials in the environment: the example must run the emulator tour and exit.
    const env = { ...process.env };
    for (const name of ['HUBSPOT_ACCESS_TOKEN', 'HUBSPOT_CLIENT_SECRET', 'MAILCHIMP_API_KEY', 'MAILCHIMP_LIST_ID', 'MAILCHIMP_WEBHOOK_SECRETS']) delete env[name];
    const output = execFileSync('npm', ['start', '--silent'], { cwd: root, encoding: 'utf8', env });
    expect(output).toContain('Mailchimp webhooks registered: user changes → ?source=user, admin changes → ?source=admin (API writes excluded)');
    expect(output).toMatch(/HubSpot +\S+Z +data\.updated +crm-user \(HubSpot\) +firstName: Cami/);
    expect(output).toMatch(/HubSpot +\S+Z +data\.updated +crm-automation \(HubSpot workflow\) +company: Boutique Éphémère/);
    expect(output).toMatch(/Mailchimp +\S+Z +data\.updated +crm-user \(Mailchimp\) +firstName: Camille → Cam/);
    expect(output).toMatch(/Mailchimp +\S+Z +consent\.withdrawn +subject \(Mailchimp unsubscribe link\) +newsletter\/email/);
    expect(output).toMatch(/Salesforce +\S+Z +data\.updated +crm-user \(Salesforce\) +jobTitle: null → Buyer/);
    expect(output).toContain('Mailchimp reminder after the unsubscribe: none (withdrawn)');
    expect(output).toContain('Notices: ignored: a change to an OptinTrail summary property');
    expect(output).toContain('Forged HubSpot delivery (wrong secret): HTTP 401, nothing written.');
    expect(output).toContain('Replayed HubSpot delivery: 0 events written, 2 already in the trail.');
    expect(output).toContain('HubSpot backfill: 2 contacts read, 1 new trail, 2 events, 0 failed.');
    expect(output).toMatch(/Reminder \(an import without proof says only what is known\): You are receiving this newsletter because your details were added to our list on \d{1,2} \w+ \d{4} \(HubSpot subscription status/);
    expect(output).not.toContain('you subscribed');
  });
});
