// The benchmark audience: N contacts with 3 events each (an opt-in at a trade show, data collected,
// a double opt-in confirmation), as in vendor-specs FACTS.md §4.
import { buildTrail } from '@optintrail/core';

export const EVENTS_PER_CONTACT = 3;

export function benchInputs(email, index) {
  const salon = { kind: 'event', name: 'Salon E-commerce Paris', phrases: { fr: 'lors du Salon E-commerce Paris' } };
  return [
    { subject: email, at: '2012-09-19T09:30:00Z', type: 'consent.given', purpose: 'newsletter', channel: 'email', source: salon, proof: { documentRef: `badge-${index}` } },
    { subject: email, at: '2012-09-19T09:30:01Z', type: 'data.collected', source: salon, fields: [{ name: 'firstName', value: 'Camille' }] },
    {
      subject: email,
      at: '2012-09-20T07:00:00Z',
      type: 'consent.confirmed',
      purpose: 'newsletter',
      channel: 'email',
      source: { kind: 'web-form', name: 'Confirmation link' },
      proof: { ip: '192.0.2.1', doubleOptIn: { confirmedAt: '2012-09-20T07:00:00Z', method: 'email-link' } },
    },
  ];
}

export function benchEmail(prefix, index) {
  return `${prefix}.${index}@example.org`;
}

export function benchTrail(prefix, index) {
  const email = benchEmail(prefix, index);
  return buildTrail(email, benchInputs(email, index));
}

/** Trails built one by one as they are pulled: the audience is never held whole. */
export function* benchTrails(prefix, count) {
  for (let index = 0; index < count; index += 1) yield benchTrail(prefix, index);
}

export function benchTrailArray(prefix, count) {
  return Array.from({ length: count }, (_, index) => benchTrail(prefix, index));
}
