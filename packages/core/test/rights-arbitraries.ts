/**
 * Arbitraries for the rights tests whose personal values are *recognisable*: every name, address,
 * IP and user agent carries the marker `zq` (never produced by hex digests, ids or fixed wording),
 * so "this JSON holds no personal data" can be checked by substring search.
 */
import fc from 'fast-check';
import { buildTrail, type ProvenanceEventInput, type Trail } from '../src/index';
import { seededRandomBytes } from './arbitraries';

export interface MarkedTrail {
  trail: Trail;
  /** Every personal value put into the trail, lower-cased. */
  personal: string[];
}

const word = fc.stringMatching(/^[a-z]{3,8}$/);
const name = word.map((text) => `Zq${text}`);
const email = fc.tuple(word, word).map(([local, domain]) => `zq.${local}@${domain}.example`);
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.'));
const ipv6 = fc.array(fc.integer({ min: 0x1000, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((groups) => groups.map((group) => group.toString(16)).join(':'));
const ip = fc.oneof(ipv4, ipv6);
const userAgent = word.map((text) => `Mozilla/5.0 (Zq${text})`);
const at = fc.integer({ min: Date.UTC(2005, 0, 1), max: Date.UTC(2024, 0, 1) }).map((time) => new Date(time).toISOString());
const source = fc.constantFrom(
  { kind: 'event', name: 'Trade show', place: 'Hall 4' },
  { kind: 'web-form', name: 'Signup form', url: 'https://shop.example/signup' },
  { kind: 'import', name: 'Spring list' },
  { kind: 'crm-user', name: 'Back office' },
) as fc.Arbitrary<ProvenanceEventInput['source']>;

type Draft = (subject: string) => { input: ProvenanceEventInput; personal: string[] };

const dataEvent: fc.Arbitrary<Draft> = fc
  .record({ at, source, type: fc.constantFrom('data.collected', 'data.updated'), firstName: name, lastName: name, city: name, phone: fc.integer({ min: 600000000, max: 699999999 }) })
  .map((draft) => (subject) => ({
    input: {
      subject,
      at: draft.at,
      type: draft.type as ProvenanceEventInput['type'],
      source: draft.source,
      fields: [
        { name: 'email', value: subject },
        { name: 'firstName', value: draft.firstName },
        { name: 'lastName', value: draft.lastName, ...(draft.type === 'data.updated' ? { previousValue: `${draft.lastName}old` } : {}) },
        { name: 'city', value: draft.city },
        { name: 'phone', value: draft.phone },
      ],
    },
    personal: [draft.firstName, draft.lastName, draft.city, ...(draft.type === 'data.updated' ? [`${draft.lastName}old`] : [])],
  }));

const consentEvent: fc.Arbitrary<Draft> = fc
  .record({
    at,
    source,
    type: fc.constantFrom('consent.given', 'consent.confirmed', 'consent.withdrawn'),
    purpose: fc.constantFrom('newsletter', 'offers'),
    ip,
    confirmationIp: ip,
    userAgent,
    doubleOptIn: fc.boolean(),
  })
  .map((draft) => (subject) => ({
    input: {
      subject,
      at: draft.at,
      type: draft.type as ProvenanceEventInput['type'],
      purpose: draft.purpose,
      channel: 'email',
      source: draft.source,
      proof: {
        ip: draft.ip,
        userAgent: draft.userAgent,
        formUrl: 'https://shop.example/signup',
        ...(draft.doubleOptIn ? { doubleOptIn: { confirmedAt: draft.at, method: 'email-link', ip: draft.confirmationIp } } : {}),
      },
    } as ProvenanceEventInput,
    personal: [draft.ip, draft.userAgent, ...(draft.doubleOptIn ? [draft.confirmationIp] : [])],
  }));

const rectification: fc.Arbitrary<Draft> = fc.record({ at, firstName: name }).map((draft) => (subject) => ({
  input: {
    subject,
    at: draft.at,
    type: 'data.rectified',
    source: { kind: 'crm-user', name: 'Back office' },
    actor: { kind: 'staff', id: 'agent-7' },
    reason: 'Misspelt at collection',
    fields: [{ name: 'firstName', value: draft.firstName, previousValue: `${draft.firstName}x` }],
  },
  personal: [draft.firstName, `${draft.firstName}x`],
}));

/** A valid trail full of recognisable personal values, with the list of those values. */
export const markedTrailArbitrary: fc.Arbitrary<MarkedTrail> = fc
  .tuple(email, fc.array(fc.oneof(dataEvent, consentEvent, rectification), { minLength: 0, maxLength: 7 }), fc.integer())
  .map(([subject, drafts, seed]) => {
    const built = drafts.map((draft) => draft(subject));
    const trail = buildTrail(
      subject,
      built.map((item) => item.input),
      { randomBytes: seededRandomBytes(seed) },
    );
    return { trail, personal: [subject, ...built.flatMap((item) => item.personal)].map((value) => value.toLowerCase()) };
  });
