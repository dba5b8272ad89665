import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { foldTrail, suppressionFingerprint, verifyTrail } from '@optintrail/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runRightsCycle, type RightsCycleResult } from '../src/rights-cycle';
import { SUBSCRIBER_EMAIL } from '../src/subscriber';

const KEY = 'rights-cycle-test-key-0123456789';
const CRMS = ['HubSpot', 'Mailchimp', 'Salesforce'];
let result: RightsCycleResult;
const lines: string[] = [];

beforeAll(async () => {
  const outputDirectory = await mkdtemp(join(tmpdir(), 'rights-cycle-test-'));
  result = await runRightsCycle({ print: (line) => lines.push(line), outputDirectory, suppressionKey: KEY, now: () => new Date('2024-03-04T08:00:00Z') });
}, 120_000);

describe('the rights cycle across HubSpot, Mailchimp and Salesforce', () => {
  it('access: one report from all three CRMs at once, a labelled section each, the source of every field and each consent\'s proof', () => {
    const { report, trails, empty, unverified } = result.access;
    expect(report.generatedAt).toBe('2024-03-04T08:00:00.000Z');
    expect(report.sections.map((section) => section.label)).toEqual(CRMS);
    expect(trails.map(({ label }) => label)).toEqual(CRMS);
    expect(empty).toEqual([]);
    expect(unverified).toEqual([]);
    for (const [index, section] of report.sections.entries()) {
      const trail = trails[index]!.trail;
      const events = new Map(trail.events.map((event) => [event.id, event]));
      expect(section.verification).toMatchObject({ valid: true, length: 4 });
      expect(section.fields.map((field) => field.name)).toEqual(Object.keys(foldTrail(trail).fields));
      for (const field of section.fields) {
        for (const change of field.changes) expect(events.get(change.eventId)?.source).toEqual(change.source);
      }
      const [consent] = section.consents;
      expect(consent).toMatchObject({ purpose: 'newsletter', channel: 'email', status: 'granted', strength: 'double-opt-in' });
      expect(consent!.granted?.proof?.documentRef).toBe('badge-scan-2012-0919-4411');
      expect(consent!.confirmed?.proof).toMatchObject({ ip: '192.0.2.44', doubleOptIn: { method: 'email-link' } });
    }
  });

  it('access: printable HTML pages in French and English, with the sources and no script', async () => {
    expect(result.htmlReports.map((path) => basename(path))).toEqual(['access-report.fr.html', 'access-report.en.html']);
    const [french, english] = await Promise.all(result.htmlReports.map((path) => readFile(path, 'utf8')));
    expect(french).toContain('<html lang="fr"');
    expect(french).toContain('Données détenues dans <bdi>Salesforce</bdi>');
    expect(english).toContain('<html lang="en"');
    for (const page of [french!, english!]) {
      expect(page).not.toMatch(/<script/i);
      expect(page.match(/Salon E-commerce Paris/g)!.length).toBeGreaterThanOrEqual(9);
    }
  });

  it('rectify: each CRM shows the corrected first name in its own field, and each trail keeps the old value', () => {
    expect(result.firstNameInCrm).toEqual({ HubSpot: 'Camille', Mailchimp: 'Camille', Salesforce: 'Camille' });
    for (const crm of CRMS) {
      const trail = result.rectified[crm]!;
      expect(verifyTrail(trail).valid).toBe(true);
      const firstName = foldTrail(trail).fields['firstName']!;
      expect(firstName.value).toBe('Camille');
      expect(firstName.history.map((entry) => [entry.type, entry.value])).toEqual([
        ['data.collected', 'Camile'],
        ['data.rectified', 'Camille'],
      ]);
      expect(trail.events.at(-1)).toMatchObject({ reason: 'Misspelt at the booth; corrected at her request', actor: { kind: 'staff', id: 'dpo-desk' } });
    }
  });

  it("erase: each CRM's own mechanism, receipts tied to each trail's head, a fingerprint, nothing personal kept", async () => {
    const { erasure } = result;
    expect(erasure.complete).toBe(true);
    expect(erasure.receipts.map((receipt) => [receipt.adapter, receipt.trailHead])).toEqual(CRMS.map((crm) => [crm.toLowerCase(), result.rectified[crm]!.events.at(-1)!.hash]));
    expect(erasure.receipts.map((receipt) => receipt.mechanism)).toEqual([expect.stringContaining('GDPR delete'), expect.stringContaining('delete-permanent'), expect.stringContaining('delete')]);
    expect(erasure.fingerprint).toBe(suppressionFingerprint(SUBSCRIBER_EMAIL, KEY));
    expect(JSON.stringify(erasure)).not.toMatch(/camille|Camile|Martin|192\.0\.2\.44|Boutique/i);
    expect((await readFile(result.suppressionFile, 'utf8')).trim()).toBe(erasure.fingerprint);
    expect(result.heldAfterErasure).toEqual({ HubSpot: false, Mailchimp: false, Salesforce: false });
  });

  it('re-import: refused in every CRM as suppressed, nothing sent and nothing written', () => {
    for (const crm of CRMS) {
      const report = result.reimport[crm]!;
      expect(report.failures).toEqual([{ subject: SUBSCRIBER_EMAIL, kind: 'suppressed', reason: expect.stringContaining('erased on request') }]);
      expect(report).toMatchObject({ subjectsWritten: 0, eventsWritten: 0, apiCalls: 0 });
    }
    expect(result.heldAfterReimport).toEqual({ HubSpot: false, Mailchimp: false, Salesforce: false });
    expect(lines.filter((line) => line.includes('REFUSED (suppressed)'))).toHaveLength(3);
  });
});
