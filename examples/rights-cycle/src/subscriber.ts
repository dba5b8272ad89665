import { appendEvents, buildTrail, type Actor, type Trail } from '@optintrail/core';

/** The subscriber of this story. */
export const SUBSCRIBER_EMAIL = 'camille.martin@example.org';

/** The member of staff who handles the requests. */
export const DPO_DESK: Actor = { kind: 'staff', id: 'dpo-desk', name: 'Data protection desk' };

const salon = {
  kind: 'event',
  name: 'Salon E-commerce Paris',
  place: 'Paris, Porte de Versailles',
  phrases: { fr: 'lors du Salon E-commerce Paris', en: 'at Salon E-commerce Paris' },
} as const;

/**
 * 2012: Camille opts in at a trade show (badge scan), her details are typed in from the badge (her
 * first name misspelt "Camile"), and she confirms by the link in the welcome email.
 */
export function subscription(email = SUBSCRIBER_EMAIL): Trail {
  return buildTrail(email, [
    {
      subject: email,
      at: '2012-09-19T09:30:00Z',
      type: 'consent.given',
      purpose: 'newsletter',
      channel: 'email',
      source: salon,
      proof: { documentRef: 'badge-scan-2012-0919-4411', wording: 'Je souhaite recevoir la newsletter mensuelle.' },
      actor: { kind: 'staff', id: 'booth-3', name: 'Booth staff' },
    },
    {
      subject: email,
      at: '2012-09-19T09:30:01Z',
      type: 'data.collected',
      source: salon,
      fields: [
        { name: 'firstName', value: 'Camile' },
        { name: 'lastName', value: 'Martin' },
        { name: 'company', value: 'Boutique Éphémère' },
      ],
    },
    {
      subject: email,
      at: '2012-09-20T07:12:00Z',
      type: 'consent.confirmed',
      purpose: 'newsletter',
      channel: 'email',
      source: { kind: 'web-form', name: 'Confirmation link in the welcome email', url: 'https://example.org/confirm' },
      proof: { ip: '192.0.2.44', userAgent: 'Mozilla/5.0 (Macintosh)', doubleOptIn: { confirmedAt: '2012-09-20T07:12:00Z', method: 'email-link' } },
      actor: { kind: 'subject' },
    },
  ]);
}

/** 2019: she changes her company in the preference centre. */
export function withChange(trail: Trail): Trail {
  return appendEvents(trail, [
    {
      subject: trail.subject,
      at: '2019-06-01T10:00:00Z',
      type: 'data.updated',
      source: { kind: 'web-form', name: 'Preference centre', url: 'https://example.org/preferences' },
      fields: [{ name: 'company', value: 'Boutique Permanente', previousValue: 'Boutique Éphémère' }],
      actor: { kind: 'subject' },
    },
  ]);
}
