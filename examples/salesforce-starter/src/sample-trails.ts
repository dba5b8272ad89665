import { createHash } from 'node:crypto';
import { buildTrail, type Trail } from '@optintrail/core';

/**
 * Random bytes derived from a seed, so the same trails (same event ids and salts) come out on every
 * run: a second run against the same org then finds everything already there.
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

/** Three subscribers: a trade-show opt-in confirmed by email, a web-form opt-in, and one who later unsubscribed. */
export function sampleTrails(domain = 'example.org'): Trail[] {
  const camille = `camille.martin@${domain}`;
  const noah = `noah.bernard@${domain}`;
  const ines = `ines.leroy@${domain}`;
  return [
    buildTrail(
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
      ],
      { randomBytes: seededRandomBytes(camille) },
    ),
    buildTrail(
      noah,
      [
        {
          subject: noah,
          at: '2023-04-11T16:05:00Z',
          type: 'consent.given',
          purpose: 'newsletter',
          channel: 'email',
          source: { kind: 'web-form', name: 'Newsletter form on example.org', url: 'https://example.org/newsletter' },
          proof: { ip: '198.51.100.7', formUrl: 'https://example.org/newsletter', formVersion: 'v3', wording: 'Send me the monthly newsletter.' },
          actor: { kind: 'subject' },
        },
      ],
      { randomBytes: seededRandomBytes(noah) },
    ),
    buildTrail(
      ines,
      [
        {
          subject: ines,
          at: '2019-11-28T10:00:00Z',
          type: 'consent.given',
          purpose: 'newsletter',
          channel: 'email',
          source: { kind: 'purchase', name: 'Online shop checkout', url: 'https://example.org/checkout' },
          proof: { formUrl: 'https://example.org/checkout', wording: 'Keep me posted about new products.' },
          actor: { kind: 'subject' },
        },
        {
          subject: ines,
          at: '2021-03-02T18:00:00Z',
          type: 'consent.withdrawn',
          purpose: 'newsletter',
          channel: 'email',
          source: { kind: 'subject', name: 'Unsubscribe link' },
          actor: { kind: 'subject' },
          reason: 'Too many emails',
        },
      ],
      { randomBytes: seededRandomBytes(ines) },
    ),
  ];
}
