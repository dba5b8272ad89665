import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTrail, redactTrail, ValidationError, type ProvenanceEventInput, type Trail } from '../src/index';
import { auditTrails, createAuditAccumulator, subtractMonths } from '../src/rights/audit';
import { renderAuditSummary } from '../src/rights/audit-summary';
import { anyTrailArbitrary } from './arbitraries';

const now = '2024-06-15T12:00:00Z';
const webForm = { kind: 'web-form', name: 'Newsletter form', url: 'https://example.fr/newsletter' } as const;
const withProof = { ip: '203.0.113.9', formUrl: 'https://example.fr/newsletter', formVersion: 'v3' };

function consent(subject: string, at: string, overrides: Partial<ProvenanceEventInput> = {}): ProvenanceEventInput {
  return { subject, at, type: 'consent.given', purpose: 'newsletter', channel: 'email', source: webForm, proof: withProof, ...overrides } as ProvenanceEventInput;
}

const collected = (subject: string, at: string): ProvenanceEventInput => ({ subject, at, type: 'data.collected', source: { kind: 'import', name: 'CRM migration' }, fields: [{ name: 'firstName', value: 'Alex' }] });

/** A mixed population, each contact named after what the audit should find. */
function population(): Trail[] {
  const tampered = buildTrail('tampered@example.org', [consent('tampered@example.org', '2023-01-01T00:00:00Z')]);
  tampered.events[0]!.source = { ...tampered.events[0]!.source, name: 'Edited afterwards' };
  return [
    buildTrail('double@example.org', [
      consent('double@example.org', '2023-01-01T00:00:00Z'),
      consent('double@example.org', '2023-01-01T00:10:00Z', { type: 'consent.confirmed', proof: { doubleOptIn: { confirmedAt: '2023-01-01T00:10:00Z', method: 'email-link' } } }),
    ]),
    buildTrail('old-single@example.org', [consent('old-single@example.org', '2012-09-19T09:30:00Z')]),
    // Given in 2015, renewed in 2023: not a re-permission candidate.
    buildTrail('renewed@example.org', [consent('renewed@example.org', '2015-01-01T00:00:00Z'), consent('renewed@example.org', '2023-02-01T00:00:00Z', { type: 'consent.renewed', proof: undefined })]),
    buildTrail('imported@example.org', [consent('imported@example.org', '2022-01-01T00:00:00Z', { source: { kind: 'import', name: 'Purchased list' }, proof: undefined })]),
    buildTrail('nothing@example.org', [collected('nothing@example.org', '2020-01-01T00:00:00Z')]),
    buildTrail('withdrawn@example.org', [consent('withdrawn@example.org', '2019-01-01T00:00:00Z'), consent('withdrawn@example.org', '2020-01-01T00:00:00Z', { type: 'consent.withdrawn', source: { kind: 'subject', name: 'Unsubscribe link' }, proof: undefined })]),
    // Only an SMS offers consent: outside a newsletter/email audit.
    buildTrail('sms-only@example.org', [consent('sms-only@example.org', '2023-01-01T00:00:00Z', { purpose: 'offers', channel: 'sms' })]),
    // Exactly 36 months before `now`: on the cutoff, not before it.
    buildTrail('on-cutoff@example.org', [consent('on-cutoff@example.org', '2021-06-15T12:00:00Z')]),
    buildTrail('just-before@example.org', [consent('just-before@example.org', '2021-06-15T11:59:59Z')]),
    tampered,
    redactTrail(buildTrail('erased@example.org', [consent('erased@example.org', '2010-01-01T00:00:00Z')])),
    buildTrail('restricted@example.org', [
      consent('restricted@example.org', '2023-01-01T00:00:00Z'),
      { subject: 'restricted@example.org', at: '2023-02-01T00:00:00Z', type: 'processing.restricted', source: { kind: 'subject', name: 'Letter' } },
      { subject: 'restricted@example.org', at: '2023-03-01T00:00:00Z', type: 'subject.erasure-requested', source: { kind: 'subject', name: 'Letter' } },
    ]),
  ];
}

describe('auditTrails', () => {
  it('counts a mixed population for one purpose and channel', async () => {
    const report = await auditTrails(population(), { now, purpose: 'newsletter', channel: 'email' });
    expect(report.trails).toBe(12);
    expect(report.erased).toBe(1);
    expect(report.repermissionCutoff).toBe('2021-06-15T12:00:00.000Z');
    expect(report.noTraceableOptIn).toMatchObject({ count: 3, withoutAnyConsent: 2, withoutProof: 1 });
    expect(report.noTraceableOptIn.examples).toEqual([
      { subject: 'imported@example.org', reason: 'no-proof' },
      { subject: 'nothing@example.org', reason: 'no-consent' },
      { subject: 'sms-only@example.org', reason: 'no-consent' },
    ]);
    expect(report.withdrawnContacts).toBe(1);
    expect(report.consents).toEqual({ granted: 8, withdrawn: 1 });
    expect(report.contactsWithConsent).toBe(8);
    expect(report.proofStrength).toEqual({ 'double-opt-in': 1, 'single-opt-in': 6, 'no-proof': 1 });
    expect(report.repermission.count).toBe(2);
    expect(report.repermission.examples.map((example) => [example.subject, example.lastConfirmedAt])).toEqual([
      ['old-single@example.org', '2012-09-19T09:30:00.000Z'],
      ['just-before@example.org', '2021-06-15T11:59:59.000Z'],
    ]);
    expect(report.brokenChains).toMatchObject({ count: 1, byProblem: { 'content-mismatch': 1 }, examples: [{ subject: 'tampered@example.org', problem: 'content-mismatch', index: 0 }] });
    expect(report.restricted).toBe(1);
    expect(report.erasurePending).toBe(1);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('covers every purpose and channel without a scope, with a configurable period', async () => {
    const report = await auditTrails(population(), { now, repermissionAfterMonths: 60 });
    expect(report.scope).toEqual({ repermissionAfterMonths: 60 });
    expect(report.noTraceableOptIn.withoutAnyConsent).toBe(1);
    expect(report.consents.granted).toBe(9);
    expect(report.repermissionCutoff).toBe('2019-06-15T12:00:00.000Z');
    expect(report.repermission.examples.map((example) => example.subject)).toEqual(['old-single@example.org']);
  });

  it('streams from an async iterable and keeps only capped examples', async () => {
    async function* many() {
      for (let index = 0; index < 500; index += 1) yield buildTrail(`person${index}@example.org`, [collected(`person${index}@example.org`, '2020-01-01T00:00:00Z')]);
    }
    const report = await auditTrails(many(), { now, exampleLimit: 5 });
    expect(report.noTraceableOptIn.count).toBe(500);
    expect(report.noTraceableOptIn.examples).toHaveLength(5);
  });

  it('partitions every contact exactly once, for any trails (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyTrailArbitrary({ maxEvents: 5 }), { maxLength: 8 }), async (trails) => {
        const report = await auditTrails(trails, { now, exampleLimit: 3 });
        expect(report.trails).toBe(trails.length);
        expect(report.erased + report.contactsWithConsent + report.withdrawnContacts + report.noTraceableOptIn.withoutAnyConsent).toBe(trails.length);
        expect(Object.values(report.proofStrength).reduce((sum, count) => sum + count, 0)).toBe(report.consents.granted);
        expect(report.noTraceableOptIn.count).toBe(report.noTraceableOptIn.withoutAnyConsent + report.noTraceableOptIn.withoutProof);
        expect(report.noTraceableOptIn.examples.length).toBeLessThanOrEqual(3);
        expect(report.repermission.count).toBeLessThanOrEqual(report.consents.granted);
      }),
      { numRuns: 40 },
    );
  });

  it('lets workers add trails one at a time', () => {
    const accumulator = createAuditAccumulator({ now });
    for (const trail of population().slice(0, 3)) accumulator.add(trail);
    const first = accumulator.report();
    accumulator.add(population()[4]!);
    expect(first.trails).toBe(3);
    expect(accumulator.report().trails).toBe(4);
  });

  it('refuses a bad date, period or channel', async () => {
    await expect(auditTrails([], { now: 'today' })).rejects.toThrow(ValidationError);
    await expect(auditTrails([], { now, repermissionAfterMonths: 0 })).rejects.toThrow(/at least 1/);
    await expect(auditTrails([], { now, channel: 'fax' as 'email' })).rejects.toThrow(/channel|must be one of/);
  });
});

describe('subtractMonths', () => {
  it('goes back calendar months and clamps the day', () => {
    expect(subtractMonths(new Date('2024-03-31T10:00:00Z'), 1).toISOString()).toBe('2024-02-29T10:00:00.000Z');
    expect(subtractMonths(new Date('2024-06-15T12:00:00Z'), 36).toISOString()).toBe('2021-06-15T12:00:00.000Z');
    expect(subtractMonths(new Date('2024-01-31T00:00:00Z'), 13).toISOString()).toBe('2022-12-31T00:00:00.000Z');
  });
});

describe('renderAuditSummary', () => {
  it('reads as a short summary in English and French', async () => {
    const report = await auditTrails(population(), { now, purpose: 'newsletter', channel: 'email' });
    const en = renderAuditSummary(report, { locale: 'en' });
    expect(en).toContain('Consent audit of 12 contacts on 15 June 2024');
    expect(en).toContain('Scope: newsletter, email');
    expect(en).toContain('No traceable opt-in: 3 contacts could be written to without any evidence of consent (2 with no consent recorded, 1 with an opt-in recorded without evidence)');
    expect(en).toContain('e.g. imported@example.org (opt-in without evidence), nothing@example.org (nothing recorded)');
    expect(en).toContain('Re-permission candidates: 2 consents were last given, confirmed or renewed more than 36 months ago (before 15 June 2021)');
    expect(en).toContain('confirmed by double opt-in: 1 (12.5%)');
    expect(en).toContain('Broken chains: 1 trail does not verify');
    expect(en).toContain('tampered@example.org (entry 1: an entry was edited)');
    const fr = renderAuditSummary(report, { locale: 'fr' });
    expect(fr).toContain('Audit des consentements de 12 contacts au 15 juin 2024');
    expect(fr).toContain('À solliciter de nouveau : 2 consentements');
    expect(fr).toContain('confirmés par double opt-in\u00a0: 1 (12,5\u00a0%)');
    expect(fr).toContain('Retraits : 1 contact a retiré tous ses consentements');
  });

  it('says so when every chain verifies', async () => {
    const report = await auditTrails(population().filter((trail) => trail.subject !== 'tampered@example.org'), { now });
    expect(renderAuditSummary(report, { locale: 'en' })).toContain('Broken chains: none, every trail verifies');
  });
});
