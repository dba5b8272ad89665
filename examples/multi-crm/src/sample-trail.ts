import { createHash } from 'node:crypto';
import { buildTrail, type Trail } from '@optintrail/core';

/**
 * Random bytes derived from a seed, so the same trail (same event ids and salts) comes out on every
 * run: a second run against the same accounts then finds everything already there.
 */
function seededRandomBytes(seed: string) {
  let counter = 0;
  return (length: number): Uint8Array => {
    const bytes = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 32) {
      counter += 1;
      bytes.set(createHash('sha256').update(`${seed}:${counter}`).digest().subarray(0, Math.min(32, length - offset)), offset);
    }
    return bytes;
  };
}

const salon = {
  kind: 'event',
  name: 'Salon E-commerce Paris',
  place: 'Paris, Porte de Versailles',
  phrases: { fr: 'lors du Salon E-commerce Paris', en: 'at Salon E-commerce Paris' },
} as const;

/**
 * Camille's trail: an opt-in at the Salon E-commerce Paris on 19 September 2012, the data collected
 * there, the confirmation by email the next day, and a move to another city years later — every kind
 * of thing a CRM has to keep (consent with proof, fields with their origin, a change with its history).
 */
export function sampleTrail(domain = 'example.org'): Trail {
  const camille = `camille.martin@${domain}`;
  return buildTrail(
    camille,
    [
      {
        subject: camille,
        at: '2012-09-19T09:30:00Z',
        type: 'consent.given',
        purpose: 'newsletter',
        channel: 'email',
        source: salon,
        proof: { documentRef: 'badge-scan-2012-0919-4411', wording: 'Je souhaite recevoir la newsletter.' },
        actor: { kind: 'staff', id: 'booth-3', name: 'Booth staff' },
      },
      {
        subject: camille,
        at: '2012-09-19T09:30:01Z',
        type: 'data.collected',
        source: salon,
        fields: [
          { name: 'firstName', value: 'Camille' },
          { name: 'lastName', value: 'Martin' },
          { name: 'city', value: 'Lyon' },
        ],
      },
      {
        subject: camille,
        at: '2012-09-20T07:12:00Z',
        type: 'consent.confirmed',
        purpose: 'newsletter',
        channel: 'email',
        source: { kind: 'web-form', name: 'Confirmation link', url: 'https://example.org/confirm' },
        proof: { ip: '192.0.2.44', doubleOptIn: { confirmedAt: '2012-09-20T07:12:00Z', method: 'email-link' } },
        actor: { kind: 'subject' },
      },
      {
        subject: camille,
        at: '2021-06-14T15:40:00Z',
        type: 'data.updated',
        source: { kind: 'subject', name: 'Preference centre', url: 'https://example.org/preferences' },
        fields: [{ name: 'city', value: 'Bordeaux', previousValue: 'Lyon' }],
        actor: { kind: 'subject' },
      },
    ],
    { randomBytes: seededRandomBytes(camille) },
  );
}
