import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTrail, createSuppressionList, createTrail, foldTrail, isRedacted, suppressionFingerprint, ValidationError, verifyTrail } from '../src/index';
import { createErasureReceipt, createErasureRecord, planErasure } from '../src/rights/erasure';
import { personalValueLocations } from '../src/trail/hash-chain';
import { trailArbitrary } from './arbitraries';
import { salonEvents, SALON_EMAIL } from './fixtures';
import { markedTrailArbitrary } from './rights-arbitraries';

const suppressionKey = 'k'.repeat(32);
const request = { requestedAt: '2024-05-01T09:00:00Z', requestedBy: 'dpo-desk', suppressionKey };

describe('planErasure', () => {
  it('gives the fingerprint, the head, a redacted trail that still verifies, and neutral steps', () => {
    const trail = buildTrail(SALON_EMAIL, salonEvents());
    const plan = planErasure(trail, request);
    expect(plan.format).toBe('optintrail.erasure-plan/1');
    expect(plan.fingerprint).toBe(suppressionFingerprint(SALON_EMAIL, suppressionKey));
    expect(plan.trailHead).toBe(trail.events.at(-1)!.hash);
    expect(plan.eventCount).toBe(2);
    expect(plan.requestedAt).toBe('2024-05-01T09:00:00.000Z');
    expect(verifyTrail(plan.redactedTrail)).toMatchObject({ valid: true, head: plan.trailHead });
    expect(plan.steps.map((step) => step.action)).toEqual(['delete-subject-record', 'delete-timeline-entries', 'record-suppression', 'keep-redacted-trail']);
    expect(plan.steps[1]).toMatchObject({ eventIds: trail.events.map((event) => event.id) });
    // What is left still says when and from where consent came, about nobody.
    const state = foldTrail(plan.redactedTrail);
    expect(state.consents[0]?.granted?.source.name).toBe('Salon E-commerce Paris');
    expect(isRedacted(state.fields.firstName?.value)).toBe(true);
  });

  it('gives a fingerprint the suppression list recognises in any case or spacing', () => {
    const plan = planErasure(buildTrail(SALON_EMAIL, salonEvents()), request);
    const list = createSuppressionList({ key: suppressionKey, fingerprints: [plan.fingerprint] });
    expect(list.isSuppressed(' Camille.Martin@Example.FR ')).toBe(true);
    expect(list.isSuppressed('someone.else@example.fr')).toBe(false);
  });

  it('names an empty trail by its fingerprint', () => {
    const plan = planErasure(createTrail(SALON_EMAIL), request);
    expect(plan.redactedTrail).toEqual({ subject: plan.fingerprint, events: [] });
    expect(plan.trailHead).toBeNull();
  });

  it('refuses an erased trail, a missing date and a short key', () => {
    const plan = planErasure(buildTrail(SALON_EMAIL, salonEvents()), request);
    expect(() => planErasure(plan.redactedTrail, request)).toThrow(/already erased/);
    expect(() => planErasure(buildTrail(SALON_EMAIL, salonEvents()), { ...request, requestedAt: 'yesterday' })).toThrow(ValidationError);
    expect(() => planErasure(buildTrail(SALON_EMAIL, salonEvents()), { ...request, suppressionKey: 'short' })).toThrow(/at least 16 bytes/);
  });

  it('holds no personal data: plan, receipt, record and fingerprint (property)', () => {
    fc.assert(
      fc.property(markedTrailArbitrary, ({ trail, personal }) => {
        const plan = planErasure(trail, request);
        const receipt = createErasureReceipt(plan, { adapter: 'hubspot', erasedAt: '2024-05-01T09:05:00Z', removed: ['contact 51', `${trail.events.length} notes`], mechanism: 'HubSpot GDPR delete' });
        const record = createErasureRecord(plan, [receipt]);
        const json = JSON.stringify({ plan, receipt, record, fingerprint: plan.fingerprint }).toLowerCase();
        for (const value of personal) expect(json).not.toContain(value);
        expect(json).not.toContain(suppressionKey);
      }),
      { numRuns: 150 },
    );
  });

  it('redacts every personal value of any valid trail (property)', () => {
    fc.assert(
      fc.property(trailArbitrary({ maxEvents: 8 }), (trail) => {
        const { redactedTrail } = planErasure(trail, request);
        expect(redactedTrail.subject).not.toBe(trail.subject);
        for (const event of redactedTrail.events) {
          for (const location of personalValueLocations(event)) expect(isRedacted(location.get(event))).toBe(true);
          expect(event.salt).toBeUndefined();
        }
        expect(verifyTrail(redactedTrail).valid).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('createErasureReceipt and createErasureRecord', () => {
  const plan = planErasure(buildTrail(SALON_EMAIL, salonEvents()), request);

  it('ties receipts to the plan and gathers them in a record', () => {
    const hubspot = createErasureReceipt(plan, { adapter: 'hubspot', erasedAt: '2024-05-01T09:05:00Z', removed: ['contact 51', '2 notes'], mechanism: 'HubSpot GDPR delete' });
    const mailchimp = createErasureReceipt(plan, { adapter: 'mailchimp', erasedAt: '2024-05-01T09:07:00+02:00', removed: ['member 8f14e45f'], mechanism: 'Mailchimp delete-permanent' });
    expect(hubspot).toEqual({ adapter: 'hubspot', erasedAt: '2024-05-01T09:05:00.000Z', removed: ['contact 51', '2 notes'], mechanism: 'HubSpot GDPR delete', trailHead: plan.trailHead });
    const record = createErasureRecord(plan, [hubspot, mailchimp]);
    expect(record).toMatchObject({ format: 'optintrail.erasure-record/1', fingerprint: plan.fingerprint, trailHead: plan.trailHead, requestedBy: 'dpo-desk', completedAt: '2024-05-01T09:05:00.000Z' });
    expect(record.receipts).toHaveLength(2);
  });

  it('refuses a description holding an email or IP address', () => {
    expect(() => createErasureReceipt(plan, { adapter: 'hubspot', erasedAt: '2024-05-01T09:05:00Z', removed: [`contact ${SALON_EMAIL}`], mechanism: 'x' })).toThrow(expect.objectContaining({ path: 'removed[0]' }));
    expect(() => createErasureReceipt(plan, { adapter: 'hubspot', erasedAt: '2024-05-01T09:05:00Z', removed: ['note from 203.0.113.9'], mechanism: 'x' })).toThrow(ValidationError);
    expect(() => createErasureReceipt(plan, { adapter: 'hubspot', erasedAt: '2024-05-01T09:05:00Z', removed: ['login from 2001:db8:0:0:0:0:0:1'], mechanism: 'x' })).toThrow(ValidationError);
    expect(() => createErasureReceipt(plan, { adapter: 'hubspot', erasedAt: 'now', removed: [], mechanism: 'x' })).toThrow(expect.objectContaining({ path: 'erasedAt' }));
  });

  it('refuses a receipt from another trail', () => {
    const other = planErasure(buildTrail('someone@example.org', salonEvents('someone@example.org')), request);
    const foreign = createErasureReceipt(other, { adapter: 'hubspot', erasedAt: '2024-05-01T09:05:00Z', removed: ['contact 9'], mechanism: 'HubSpot GDPR delete' });
    expect(() => createErasureRecord(plan, [foreign])).toThrow(/another trail/);
  });
});
