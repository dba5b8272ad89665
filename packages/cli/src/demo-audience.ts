import { createHash } from 'node:crypto';
import { appendEvents, buildTrail, type ProvenanceEventInput, type Source, type Trail } from '@optintrail/core';

/** The subscriber of the design brief: signed up on 19 September 2012 at the Salon E-commerce Paris. */
export const DEMO_SUBSCRIBER = 'camille.martin@example.fr';

const salon: Source = {
  kind: 'event',
  name: 'Salon E-commerce Paris',
  // French grammar a template cannot guess: "lors du Salon…", but "lors de la Foire…".
  phrases: { fr: 'lors du Salon E-commerce Paris' },
};

const newsletterForm: Source = {
  kind: 'web-form',
  name: 'Newsletter form on example.com',
  url: 'https://www.example.com/newsletter',
};

const confirmationLink: Source = { kind: 'web-form', name: 'Confirmation link', url: 'https://www.example.com/newsletter/confirm' };

/** The exact wording next to the checkbox; the proof keeps its SHA-256, the form's owner keeps the text. */
export const FORM_WORDING = 'Yes, send me the monthly newsletter. I can unsubscribe at any time with the link in every issue.';
const FORM_WORDING_HASH = createHash('sha256').update(FORM_WORDING, 'utf8').digest('hex');

function webFormSignUp(email: string, at: string, confirmedAt: string, ip: string, userAgent: string, firstName: string): ProvenanceEventInput[] {
  return [
    {
      subject: email,
      at,
      type: 'consent.given',
      purpose: 'newsletter',
      channel: 'email',
      source: newsletterForm,
      actor: { kind: 'subject' },
      proof: { ip, userAgent, formUrl: newsletterForm.url!, formVersion: '2024-03', wordingHash: FORM_WORDING_HASH },
    },
    { subject: email, at, type: 'data.collected', source: newsletterForm, actor: { kind: 'subject' }, fields: [{ name: 'firstName', value: firstName }] },
    {
      subject: email,
      at: confirmedAt,
      type: 'consent.confirmed',
      purpose: 'newsletter',
      channel: 'email',
      source: confirmationLink,
      actor: { kind: 'subject' },
      proof: { ip, userAgent, doubleOptIn: { confirmedAt, method: 'email-link', ip } },
    },
  ];
}

/** A person of the demo audience: who, what happened to them, and the events of each sync. */
export interface DemoPerson {
  email: string;
  /** One line for the demo's output. */
  story: string;
  /** Events of the first sync (sign-ups, imports). */
  initial: ProvenanceEventInput[];
  /** Events that happen later and reach the CRM in a second sync (withdrawal, correction). */
  later: ProvenanceEventInput[];
}

/** A small realistic audience: a trade show, web-form double opt-ins, a partner list, a withdrawal, a correction. */
export const DEMO_PEOPLE: readonly DemoPerson[] = [
  {
    email: DEMO_SUBSCRIBER,
    story: 'signed up at Salon E-commerce Paris on 19 Sep 2012, confirmed by email; city corrected in 2024',
    initial: [
      {
        subject: DEMO_SUBSCRIBER,
        at: '2012-09-19T09:30:00Z',
        type: 'consent.given',
        purpose: 'newsletter',
        channel: 'email',
        source: salon,
        actor: { kind: 'staff', id: 'booth-3', name: 'Booth staff' },
        proof: { documentRef: 'badge-scan-2012-0919-4411', wording: 'Je souhaite recevoir la newsletter.' },
      },
      {
        subject: DEMO_SUBSCRIBER,
        at: '2012-09-19T09:30:00Z',
        type: 'data.collected',
        source: salon,
        actor: { kind: 'staff', id: 'booth-3', name: 'Booth staff' },
        fields: [
          { name: 'firstName', value: 'Camille' },
          { name: 'city', value: 'Lyon' },
        ],
      },
      {
        subject: DEMO_SUBSCRIBER,
        at: '2012-09-20T07:12:00Z',
        type: 'consent.confirmed',
        purpose: 'newsletter',
        channel: 'email',
        source: confirmationLink,
        actor: { kind: 'subject' },
        proof: { ip: '192.0.2.44', doubleOptIn: { confirmedAt: '2012-09-20T07:12:00Z', method: 'email-link' } },
      },
    ],
    later: [
      {
        subject: DEMO_SUBSCRIBER,
        at: '2024-05-14T16:05:00Z',
        type: 'data.rectified',
        source: { kind: 'subject', name: 'Preference centre' },
        actor: { kind: 'subject' },
        fields: [{ name: 'city', value: 'Villeurbanne', previousValue: 'Lyon' }],
        reason: 'The subscriber corrected their city in the preference centre.',
      },
    ],
  },
  {
    email: 'lea.dubois@example.com',
    story: 'web form with double opt-in (IP, user agent, form URL, wording hash)',
    initial: webFormSignUp('lea.dubois@example.com', '2024-03-02T18:41:09Z', '2024-03-02T18:44:51Z', '198.51.100.23', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 Version/17.3 Safari/605.1.15', 'Léa'),
    later: [],
  },
  {
    email: 'noah.schmidt@example.de',
    story: 'web form with double opt-in, from a phone',
    initial: webFormSignUp('noah.schmidt@example.de', '2024-06-11T06:58:30Z', '2024-06-11T07:03:02Z', '2001:db8::7', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148', 'Noah'),
    later: [],
  },
  {
    email: 'jordan.lee@example.net',
    story: 'partner import without proof: never worded as "you subscribed"',
    initial: [
      {
        subject: 'jordan.lee@example.net',
        at: '2023-11-20T10:00:00Z',
        type: 'consent.given',
        purpose: 'newsletter',
        channel: 'email',
        source: { kind: 'partner', name: 'Retail Week lead list', partner: 'Retail Week Events' },
        actor: { kind: 'integration', id: 'partner-import' },
      },
      {
        subject: 'jordan.lee@example.net',
        at: '2023-11-20T10:00:00Z',
        type: 'data.collected',
        source: { kind: 'partner', name: 'Retail Week lead list', partner: 'Retail Week Events' },
        actor: { kind: 'integration', id: 'partner-import' },
        fields: [{ name: 'firstName', value: 'Jordan' }],
      },
    ],
    later: [],
  },
  {
    email: 'alex.moreau@example.org',
    story: 'web form in 2019, unsubscribed in 2024',
    initial: webFormSignUp('alex.moreau@example.org', '2019-01-15T12:00:00Z', '2019-01-15T12:09:40Z', '203.0.113.9', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Gecko/20100101 Firefox/64.0', 'Alex'),
    later: [
      {
        subject: 'alex.moreau@example.org',
        at: '2024-09-02T08:15:00Z',
        type: 'consent.withdrawn',
        purpose: 'newsletter',
        channel: 'email',
        source: { kind: 'subject', name: 'Unsubscribe link in the newsletter' },
        actor: { kind: 'subject' },
        reason: 'Unsubscribed from the September newsletter.',
      },
    ],
  },
];

/** The audience as trails: after the first sync, and with the later events appended (same first events). */
export function buildDemoTrails(): { initial: Trail[]; complete: Trail[] } {
  const initial = DEMO_PEOPLE.map((person) => buildTrail(person.email, person.initial));
  const complete = initial.map((trail, index) => appendEvents(trail, DEMO_PEOPLE[index]!.later));
  return { initial, complete };
}
