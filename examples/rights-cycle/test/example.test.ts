import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('rights-cycle example', () => {
  it('runs the full cycle with `npm start` against the three embedded emulators', { timeout: 120_000 }, () => {
    const output = execFileSync('npm', ['start', '--silent'], { cwd: root, encoding: 'utf8', env: { ...process.env, OPTINTRAIL_SUPPRESSION_KEY: 'example-test-suppression-key-0123456789' } });
    expect(output).toMatch(/Three local CRMs: HubSpot at http:\/\/127\.0\.0\.1:\d+, Mailchimp at http:\/\/127\.0\.0\.1:\d+\/3\.0, Salesforce at http:\/\/127\.0\.0\.1:\d+\./);
    expect(output).not.toContain('failed (');

    // Access: one section per CRM, each naming the source of every field.
    for (const crm of ['HubSpot', 'Mailchimp', 'Salesforce']) expect(output).toContain(`   | Held in ${crm}\n`);
    expect(output.match(/Collected: 19 September 2012 at 11:30 CEST, from Salon E-commerce Paris \(event, Paris, Porte de Versailles\)/g)).toHaveLength(9);
    expect(output.match(/changed: Boutique Éphémère → Boutique Permanente — from Preference centre/g)).toHaveLength(3);
    expect(output.match(/Document reference: badge-scan-2012-0919-4411/g)).toHaveLength(3);
    const htmlPaths = /Printable HTML report written to (\S+) and (\S+)/.exec(output)!;
    for (const path of [htmlPaths[1]!, htmlPaths[2]!]) {
      expect(existsSync(path)).toBe(true);
      expect(readFileSync(path, 'utf8')).toContain('Salon E-commerce Paris');
    }

    // Rectify: written to each CRM's own field, the old value kept in the trail.
    for (const crm of ['HubSpot', 'Mailchimp', 'Salesforce']) {
      expect(output).toContain(`   ${crm}: first name field now "Camille"; trail 5 events, history kept: data.collected "Camile" → data.rectified "Camille"`);
    }

    // Erase: each CRM's own mechanism, receipts and a fingerprint without personal data.
    expect(output).toContain('Receipt hubspot: HubSpot GDPR delete');
    expect(output).toContain('Receipt mailchimp: Mailchimp delete-permanent');
    expect(output).toContain('Receipt salesforce: Salesforce REST sObject Collections delete');
    const erasure = output.slice(output.indexOf('5. Erase'), output.indexOf('6. Re-import'));
    expect(erasure).not.toMatch(/camille|Camile|Martin|192\.0\.2\.44/i);
    expect(erasure).toMatch(/Suppression fingerprint: hmac-sha256:[0-9a-f]{64}/);
    expect(erasure).toContain('Still held: HubSpot no, Mailchimp no, Salesforce no');

    // Re-import refused, with nothing sent.
    for (const crm of ['HubSpot', 'Mailchimp', 'Salesforce']) {
      expect(output).toContain(`   ${crm}: REFUSED (suppressed): this address was erased on request and is on the suppression list; it is not written again; 0 written, 0 API calls`);
    }
    expect(output).toContain('Held after the re-import: HubSpot no, Mailchimp no, Salesforce no');
  });
});
