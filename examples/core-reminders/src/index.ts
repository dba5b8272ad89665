/**
 * The subscriber from the brief: opted in to the newsletter on 19 September 2012 at the
 * Salon E-commerce Paris, confirmed by email the next day. Prints the reminder line for every
 * touchpoint in French and English, as text and as HTML.
 *
 *   npm start
 */
import {
  buildTrail,
  foldTrail,
  generateReminder,
  verifyTrail,
  type Touchpoint,
} from '@optintrail/core';

const email = 'camille.martin@example.fr';
const salon = {
  kind: 'event',
  name: 'Salon E-commerce Paris',
  place: 'Paris, Porte de Versailles',
  // French grammar a template cannot guess: "lors du Salon", but "lors de la Foire".
  phrases: { fr: 'lors du Salon E-commerce Paris' },
} as const;

const trail = buildTrail(email, [
  {
    subject: email,
    at: '2012-09-19T09:30:00Z',
    type: 'consent.given',
    purpose: 'newsletter',
    channel: 'email',
    source: salon,
    proof: { documentRef: 'badge-scan-2012-0919-4411', wording: 'Je souhaite recevoir la newsletter.' },
    actor: { kind: 'staff', id: 'booth-3', name: 'Booth staff' },
  },
  {
    // On the same badge form: the printed edition of the newsletter, by post.
    subject: email,
    at: '2012-09-19T09:30:00Z',
    type: 'consent.given',
    purpose: 'newsletter',
    channel: 'postal',
    source: salon,
    proof: { documentRef: 'badge-scan-2012-0919-4411', wording: 'Je souhaite recevoir la newsletter imprimée par courrier.' },
    actor: { kind: 'staff', id: 'booth-3', name: 'Booth staff' },
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
  {
    subject: email,
    at: '2012-09-20T07:12:00Z',
    type: 'consent.confirmed',
    purpose: 'newsletter',
    channel: 'email',
    source: { kind: 'web-form', name: 'Confirmation link', url: 'https://example.fr/confirm' },
    proof: { ip: '192.0.2.44', doubleOptIn: { confirmedAt: '2012-09-20T07:12:00Z', method: 'email-link' } },
    actor: { kind: 'subject' },
  },
]);

const verification = verifyTrail(trail);
if (!verification.valid) throw verification.error;
const state = foldTrail(trail);
console.log(`Trail of ${email}: ${trail.events.length} events, head ${verification.head?.slice(0, 12)}…, verified.`);
for (const consent of state.consents) {
  console.log(`Consent: ${consent.purpose}/${consent.channel} ${consent.status} since ${consent.since.slice(0, 10)}, proof strength ${consent.strength}.`);
}
console.log('');

const touchpoints: Touchpoint[] = ['email-footer', 'postal-mail', 'preference-centre', 'unsubscribe-page', 'welcome-message'];
for (const locale of ['fr', 'en']) {
  for (const touchpoint of touchpoints) {
    for (const format of ['text', 'html'] as const) {
      const reminder = generateReminder(state, { purpose: 'newsletter', touchpoint, locale, format, timeZone: 'Europe/Paris' });
      const line = reminder.kind === 'reminder' ? reminder.text : `(no traceable consent: ${reminder.reason})`;
      console.log(`[${locale}] ${touchpoint.padEnd(17)} ${format.padEnd(4)} ${line}`);
    }
  }
  console.log('');
}
