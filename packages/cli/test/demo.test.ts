import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

const FRENCH = 'Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 lors du Salon E-commerce Paris.';
const ENGLISH = 'You are receiving this newsletter because you subscribed on 19 September 2012 at Salon E-commerce Paris.';

describe('optintrail demo', () => {
  it('syncs the audience into the three CRMs, reads it back verified and prints the reminders', async () => {
    const result = await runCli(['demo']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(FRENCH);
    expect(result.stdout).toContain(ENGLISH);
    for (const label of ['HubSpot', 'Mailchimp', 'Salesforce']) expect(result.stdout).toMatch(new RegExp(`^  ${label} `, 'm'));
    expect(result.stdout).toMatch(/read back and verified\s+5\/5 trails\s+5\/5 trails\s+5\/5 trails/);
    expect(result.stdout).toMatch(/sync 3 \(same input again\)\s+0 written, 5 unchanged\s+0 written, 5 unchanged\s+0 written, 5 unchanged/);
    expect(result.stdout).toContain('no traceable consent (withdrawn)');
    expect(result.stdout).toContain('provided to us by our partner Retail Week Events');
    expect(result.stdout).toMatch(/^Done in [\d.]+ s: 15\/15 trails read back and verified\./m);
  });

  it('gives the same facts as JSON', async () => {
    const result = await runCli(['demo', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      verified: boolean;
      remindersAgree: boolean;
      crms: Array<{ crm: string; implementation: string; rerun: { eventsWritten: number }; readBack: Array<{ verified: boolean; sameAsSent: boolean }>; reminders: Record<string, { fr: { text?: string }; en: { text?: string } }> }>;
    };
    expect(report.verified).toBe(true);
    expect(report.remindersAgree).toBe(true);
    expect(report.crms.map((crm) => crm.crm)).toEqual(['hubspot', 'mailchimp', 'salesforce']);
    for (const crm of report.crms) {
      expect(crm.rerun.eventsWritten).toBe(0);
      expect(crm.readBack.every((item) => item.verified && item.sameAsSent)).toBe(true);
      expect(crm.reminders['camille.martin@example.fr']).toMatchObject({ fr: { text: FRENCH }, en: { text: ENGLISH } });
    }
  });
});
