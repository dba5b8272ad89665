import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendEvents,
  assembleTrail,
  buildTrail,
  canonicalJson,
  decodeTimelineEntry,
  embedPayload,
  encodeTimelineEntry,
  utf8ByteLength,
  ValidationError,
  verifyTrail,
  type ProvenanceEvent,
} from '../src/index';
import { anyTrailArbitrary, seededRandomBytes } from './arbitraries';
import { salonEvents, SALON_EMAIL } from './fixtures';

function validationErrorOf(action: () => unknown): ValidationError | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw new Error(`expected a ValidationError, got ${String(error)}`, { cause: error });
    return error;
  }
}

const eventArbitrary: fc.Arbitrary<ProvenanceEvent> = anyTrailArbitrary({ minEvents: 1, maxEvents: 4 }).chain((trail) => fc.constantFrom(...trail.events));

const salonTrail = () => {
  const trail = buildTrail(SALON_EMAIL, salonEvents(), { randomBytes: seededRandomBytes(11) });
  return appendEvents(
    trail,
    [
      {
        subject: SALON_EMAIL,
        at: '2012-09-20T08:00:00Z',
        type: 'consent.confirmed',
        purpose: 'newsletter',
        channel: 'email',
        source: { kind: 'subject', name: 'Confirmation link' },
        proof: { doubleOptIn: { confirmedAt: '2012-09-20T08:00:00Z', method: 'email-link', ip: '192.0.2.1' } },
      },
      {
        subject: SALON_EMAIL,
        at: '2015-03-02T14:00:00Z',
        type: 'data.updated',
        source: { kind: 'crm-user', name: 'CRM' },
        actor: { kind: 'staff', id: '42', name: 'Jane Doe' },
        fields: [{ name: 'city', value: 'Paris', previousValue: 'Lyon' }],
      },
    ],
    { randomBytes: seededRandomBytes(12) },
  );
};

describe('encodeTimelineEntry / decodeTimelineEntry', () => {
  it('gives back exactly the stored event from the payload', () => {
    fc.assert(
      fc.property(eventArbitrary, fc.constantFrom('en' as const, 'fr' as const), (event, locale) => {
        const entry = encodeTimelineEntry(event, { locale });
        expect(decodeTimelineEntry(entry.payload)).toEqual(event);
        expect(entry.payload).toBe(canonicalJson(event));
      }),
      { numRuns: 300 },
    );
  });

  it('gives back the event from a note body that embeds the payload, even HTML-wrapped', () => {
    fc.assert(
      fc.property(eventArbitrary, (event) => {
        const entry = encodeTimelineEntry(event);
        const body = embedPayload(`${entry.title}\n\n${entry.text}`, entry.payload);
        const html = body
          .split('\n')
          .map((line) => `<p>${line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`)
          .join('');
        expect(decodeTimelineEntry(body)).toEqual(event);
        expect(decodeTimelineEntry(html)).toEqual(event);
      }),
      { numRuns: 150 },
    );
  });

  it('rebuilds a verifying trail from entries read back in any order', () => {
    const trail = salonTrail();
    const payloads = trail.events.map((event) => encodeTimelineEntry(event).payload).reverse();
    const rebuilt = assembleTrail(SALON_EMAIL, payloads.map((payload) => decodeTimelineEntry(payload)));
    expect(rebuilt).toEqual(trail);
    expect(verifyTrail(rebuilt).valid).toBe(true);
  });

  it('keeps the title within its byte budget, cut on a character boundary', () => {
    fc.assert(
      fc.property(eventArbitrary, fc.integer({ min: 0, max: 300 }), fc.constantFrom('en' as const, 'fr' as const), (event, maxTitleBytes, locale) => {
        const { title } = encodeTimelineEntry(event, { maxTitleBytes, locale });
        expect(utf8ByteLength(title)).toBeLessThanOrEqual(maxTitleBytes);
        expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(title)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('writes a short title and a readable text, in English and in French', () => {
    const [given, collected, confirmed, updated] = salonTrail().events;
    expect(encodeTimelineEntry(given!).title).toBe('Consent given: newsletter (email) — Salon E-commerce Paris');
    expect(encodeTimelineEntry(given!, { locale: 'fr' }).title).toBe('Consentement donné\u00a0: newsletter (e-mail) — Salon E-commerce Paris');
    expect(encodeTimelineEntry(collected!).title).toBe('Data collected: firstName, city — Salon E-commerce Paris');
    expect(encodeTimelineEntry(given!, { maxTitleBytes: 40 }).title).toBe('Consent given: newsletter (email) —…');

    const text = encodeTimelineEntry(given!).text.split('\n');
    expect(text).toEqual([
      'Consent given: newsletter (email)',
      'Date: 2012-09-19 09:30:00 UTC',
      'Source: Salon E-commerce Paris (event), Paris, Porte de Versailles',
      'Lawful basis: consent',
      'Proof: wording shown: "Je souhaite recevoir la newsletter."; document badge-scan-4411',
      `Event: ${given!.id}`,
      `Hash: ${given!.hash}`,
    ]);
    expect(encodeTimelineEntry(confirmed!).text).toContain('Proof: double opt-in 2012-09-20 08:00:00 UTC (email link), IP 192.0.2.1');
    const french = encodeTimelineEntry(updated!, { locale: 'fr' }).text;
    expect(french).toContain('Par\u00a0: équipe Jane Doe (42)');
    expect(french).toContain('  city\u00a0: "Paris" (avant\u00a0: "Lyon")');
  });

  it('shows redacted values as redacted, never their digest', () => {
    const trail = salonTrail();
    const erased = { ...trail.events[1]!, fields: trail.events[1]!.fields!.map((field) => ({ ...field, value: { redacted: true as const, digest: `sha256:${'a'.repeat(64)}` } })) };
    const text = encodeTimelineEntry(erased).text;
    expect(text).toContain('firstName: [redacted]');
    expect(text).not.toContain('aaaaaaaa');
  });

  it('refuses to encode an invalid event', () => {
    const event = { ...salonTrail().events[0]!, channel: undefined };
    expect(validationErrorOf(() => encodeTimelineEntry(event))?.path).toBe('event.channel');
  });

  it('throws ValidationError for garbage, a cut payload or an invalid event, never another error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })), (payload) => {
        expect(validationErrorOf(() => decodeTimelineEntry(payload))).toBeDefined();
      }),
      { numRuns: 300 },
    );
    const { payload } = encodeTimelineEntry(salonTrail().events[0]!);
    expect(validationErrorOf(() => decodeTimelineEntry(payload.slice(0, -10)))).toBeDefined();
    expect(validationErrorOf(() => decodeTimelineEntry(payload.replace('"consent.given"', '"consent.guessed"')))?.path).toBe('event.type');
    expect(validationErrorOf(() => decodeTimelineEntry(null as unknown as string))).toBeDefined();
  });
});
