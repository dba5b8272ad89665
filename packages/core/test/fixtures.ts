import type { ProvenanceEventInput } from '../src/index';

export const SALON_EMAIL = 'camille.martin@example.fr';

/** The subscriber of the brief: signed up on 19 September 2012 at Salon E-commerce Paris. */
export function salonEvents(email = SALON_EMAIL): ProvenanceEventInput[] {
  const salon = {
    kind: 'event',
    name: 'Salon E-commerce Paris',
    place: 'Paris, Porte de Versailles',
    phrases: { fr: 'lors du Salon E-commerce Paris' },
  } as const;
  return [
    {
      subject: email,
      at: '2012-09-19T09:30:00Z',
      type: 'consent.given',
      purpose: 'newsletter',
      channel: 'email',
      source: salon,
      proof: { documentRef: 'badge-scan-4411', wording: 'Je souhaite recevoir la newsletter.' },
    },
    {
      subject: email,
      at: '2012-09-19T09:30:00Z',
      type: 'data.collected',
      source: salon,
      fields: [
        { name: 'firstName', value: 'Camille' },
        { name: 'city', value: 'Lyon' },
      ],
    },
  ];
}

/** Deterministic random bytes for reproducible ids and salts. */
export function seededBytes(seed = 7): (length: number) => Uint8Array {
  let state = seed;
  return (length) => {
    const bytes = new Uint8Array(length);
    for (let index = 0; index < length; index += 1) {
      state = (state * 1103515245 + 12345) >>> 0;
      bytes[index] = state >>> 24;
    }
    return bytes;
  };
}
