import { describe, expect, it } from 'vitest';
import { buildTrail, findConsent, foldTrail, type ProvenanceEventInput } from '../src/index';
import { salonEvents, SALON_EMAIL } from './fixtures';

const consent = (overrides: Partial<ProvenanceEventInput>): ProvenanceEventInput =>
  ({
    subject: SALON_EMAIL,
    type: 'consent.given',
    purpose: 'newsletter',
    channel: 'email',
    at: '2015-01-01T00:00:00Z',
    source: { kind: 'web-form', name: 'Newsletter form', url: 'https://example.fr/newsletter' },
    proof: { ip: '203.0.113.9', formUrl: 'https://example.fr/newsletter', formVersion: 'v3' },
    ...overrides,
  }) as ProvenanceEventInput;

describe('foldTrail', () => {
  it('gives consent status with since-when, from-where and proof', () => {
    const state = foldTrail(buildTrail(SALON_EMAIL, salonEvents()));
    const newsletter = findConsent(state, 'newsletter', 'email')!;
    expect(newsletter.status).toBe('granted');
    expect(newsletter.since).toBe('2012-09-19T09:30:00.000Z');
    expect(newsletter.granted?.source.name).toBe('Salon E-commerce Paris');
    expect(newsletter.strength).toBe('single-opt-in');
    expect(newsletter.lawfulBasis).toBe('consent');
  });

  it('ranks double opt-in above single opt-in above no proof', () => {
    const single = foldTrail(buildTrail(SALON_EMAIL, [consent({})]));
    expect(single.consents[0]!.strength).toBe('single-opt-in');
    const double = foldTrail(
      buildTrail(SALON_EMAIL, [consent({}), consent({ type: 'consent.confirmed', at: '2015-01-01T00:05:00Z', proof: { doubleOptIn: { confirmedAt: '2015-01-01T00:05:00Z', method: 'email-link' } } })]),
    );
    expect(double.consents[0]!.strength).toBe('double-opt-in');
    expect(double.consents[0]!.confirmed?.at).toBe('2015-01-01T00:05:00.000Z');
    const imported = foldTrail(buildTrail(SALON_EMAIL, [consent({ source: { kind: 'import', name: 'CSV 2016' }, proof: undefined })]));
    expect(imported.consents[0]!.strength).toBe('no-proof');
  });

  it('never lets an older event undo a withdrawal', () => {
    const state = foldTrail(
      buildTrail(SALON_EMAIL, [
        consent({ at: '2015-01-01T00:00:00Z' }),
        consent({ type: 'consent.withdrawn', at: '2020-01-01T00:00:00Z', source: { kind: 'subject', name: 'Unsubscribe link' } }),
        consent({ at: '2018-01-01T00:00:00Z', source: { kind: 'event', name: 'Late badge scan' } }),
      ]),
    );
    expect(state.consents[0]!.status).toBe('withdrawn');
    expect(state.consents[0]!.withdrawn?.at).toBe('2020-01-01T00:00:00.000Z');
  });

  it('never lets an imported opt-in undo a withdrawal, even a newer one', () => {
    const state = foldTrail(
      buildTrail(SALON_EMAIL, [
        consent({}),
        consent({ type: 'consent.withdrawn', at: '2020-01-01T00:00:00Z', source: { kind: 'subject', name: 'Unsubscribe link' } }),
        consent({ at: '2022-01-01T00:00:00Z', source: { kind: 'partner', name: 'Co-registration', partner: 'Partner SA' }, proof: undefined }),
      ]),
    );
    const newsletter = state.consents[0]!;
    expect(newsletter.status).toBe('withdrawn');
    expect(newsletter.history.at(-1)).toMatchObject({ applied: false, note: expect.stringMatching(/import/) });
  });

  it('lets a newer explicit opt-in re-grant after a withdrawal, with its own origin', () => {
    const state = foldTrail(
      buildTrail(SALON_EMAIL, [
        consent({}),
        consent({ type: 'consent.withdrawn', at: '2020-01-01T00:00:00Z', source: { kind: 'subject', name: 'Unsubscribe link' } }),
        consent({ at: '2023-05-05T00:00:00Z', source: { kind: 'event', name: 'Foire de Lyon' } }),
      ]),
    );
    expect(state.consents[0]!.status).toBe('granted');
    expect(state.consents[0]!.granted?.source.name).toBe('Foire de Lyon');
    expect(state.consents[0]!.withdrawn).toBeUndefined();
  });

  it('never lets an import overwrite existing proof', () => {
    const state = foldTrail(
      buildTrail(SALON_EMAIL, [consent({}), consent({ at: '2010-01-01T00:00:00Z', source: { kind: 'import', name: 'Old CRM export' }, proof: undefined })]),
    );
    expect(state.consents[0]!.granted?.source.name).toBe('Newsletter form');
    expect(state.consents[0]!.strength).toBe('single-opt-in');
  });

  it('tracks each field with its origin and every modification', () => {
    const events: ProvenanceEventInput[] = [
      ...salonEvents(),
      {
        subject: SALON_EMAIL,
        at: '2019-06-01T10:00:00Z',
        type: 'data.updated',
        source: { kind: 'crm-user', name: 'HubSpot' },
        actor: { kind: 'staff', name: 'Jeanne' },
        fields: [{ name: 'city', value: 'Paris', previousValue: 'Lyon' }],
      },
      {
        subject: SALON_EMAIL,
        at: '2020-02-01T10:00:00Z',
        type: 'data.rectified',
        source: { kind: 'subject', name: 'Email to the DPO' },
        reason: 'Typo in first name',
        fields: [{ name: 'firstName', value: 'Camylle', previousValue: 'Camille' }],
      },
      { subject: SALON_EMAIL, at: '2021-01-01T00:00:00Z', type: 'data.erased', source: { kind: 'subject', name: 'Erasure request' }, fields: [{ name: 'city' }] },
    ];
    const state = foldTrail(buildTrail(SALON_EMAIL, events));
    expect(state.fields.firstName).toMatchObject({ value: 'Camylle', origin: { source: { name: 'Salon E-commerce Paris' } } });
    expect(state.fields.firstName!.history.map((entry) => entry.type)).toEqual(['data.collected', 'data.rectified']);
    expect(state.fields.firstName!.history[1]!.reason).toBe('Typo in first name');
    expect(state.fields.city).toMatchObject({ value: undefined, erased: true });
    expect(state.fields.city!.history).toHaveLength(3);
    expect(state.fields.city!.lastChange.at).toBe('2021-01-01T00:00:00.000Z');
  });

  it('orders by event time, not by arrival: a late import of old data does not overwrite newer values', () => {
    const state = foldTrail(
      buildTrail(SALON_EMAIL, [
        { subject: SALON_EMAIL, at: '2020-01-01T00:00:00Z', type: 'data.collected', source: { kind: 'web-form', name: 'Form' }, fields: [{ name: 'city', value: 'Nantes' }] },
        { subject: SALON_EMAIL, at: '2011-01-01T00:00:00Z', type: 'data.collected', source: { kind: 'import', name: 'Backfill' }, fields: [{ name: 'city', value: 'Brest' }] },
      ]),
    );
    expect(state.fields.city!.value).toBe('Nantes');
    expect(state.fields.city!.origin.source.name).toBe('Backfill');
  });

  it('records restriction and subject requests', () => {
    const state = foldTrail(
      buildTrail(SALON_EMAIL, [
        ...salonEvents(),
        { subject: SALON_EMAIL, at: '2024-01-01T00:00:00Z', type: 'subject.access-requested', source: { kind: 'subject', name: 'Email' } },
        { subject: SALON_EMAIL, at: '2024-01-02T00:00:00Z', type: 'processing.restricted', source: { kind: 'crm-user', name: 'DPO' }, reason: 'Accuracy contested' },
      ]),
    );
    expect(state.restricted).toBe(true);
    expect(state.requests.map((request) => request.type)).toEqual(['subject.access-requested']);
    expect(state.eventCount).toBe(4);
    expect(state.lastEventAt).toBe('2024-01-02T00:00:00.000Z');
  });
});
