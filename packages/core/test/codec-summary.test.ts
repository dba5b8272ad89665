import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  appendEvents,
  buildTrail,
  CHANNELS,
  decodeSummaryFields,
  encodeSummaryFields,
  SUMMARY_FIELD_KEYS,
  SUMMARY_FIELDS,
  utf8ByteLength,
  ValidationError,
  verifyTrail,
  type Channel,
  type SummaryFieldKey,
  type SummaryReminder,
} from '../src/index';
import { anyTrailArbitrary, seededRandomBytes, UNICODE_SAMPLES } from './arbitraries';
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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const salonTrail = () =>
  appendEvents(
    buildTrail(SALON_EMAIL, salonEvents(), { randomBytes: seededRandomBytes(21) }),
    [
      {
        subject: SALON_EMAIL,
        at: '2012-09-20T08:00:00Z',
        type: 'consent.confirmed',
        purpose: 'newsletter',
        channel: 'email',
        source: { kind: 'subject', name: 'Confirmation link' },
        proof: { doubleOptIn: { confirmedAt: '2012-09-20T08:00:00Z', method: 'email-link', ip: '192.0.2.1' }, formVersion: 'v3' },
      },
      {
        subject: SALON_EMAIL,
        at: '2015-03-02T14:00:00Z',
        type: 'data.collected',
        source: { kind: 'crm-user', name: 'Jane Doe' },
        fields: [{ name: 'phone', value: '+33 6 12 34 56 78' }],
      },
    ],
    { randomBytes: seededRandomBytes(22) },
  );

describe('encodeSummaryFields', () => {
  it('writes values a person reading the CRM understands', () => {
    const trail = salonTrail();
    const fields = encodeSummaryFields(trail, { purpose: 'newsletter', maxBytes: { trailEncoded: 131_072 } });
    expect(fields).toEqual({
      consentStatus: 'granted',
      consentPurpose: 'newsletter',
      consentChannel: 'email',
      consentSince: '2012-09-19',
      consentSource: 'event: Salon E-commerce Paris (Paris, Porte de Versailles)',
      consentProof: 'double opt-in; wording shown; document badge-scan-4411; IP 192.0.2.1; form v3',
      consentStrength: 'double opt-in',
      consentLawfulBasis: 'consent',
      dataSources: 'event: Salon E-commerce Paris (Paris, Porte de Versailles), 2012-09-19 (firstName, city); CRM user: Jane Doe, 2015-03-02 (phone)',
      reminderFr: 'Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 lors du Salon E-commerce Paris.',
      reminderEn: 'You are receiving this newsletter because you subscribed on 19 September 2012 at Salon E-commerce Paris.',
      trailHead: trail.events.at(-1)!.hash,
      trailLength: '4',
      trailEncoded: expect.stringMatching(/^ot1:[A-Za-z0-9_-]+$/),
    });
  });

  it('reads the days in the given time zone', () => {
    const trail = buildTrail('night@example.org', [
      { subject: 'night@example.org', at: '2012-09-19T23:30:00Z', type: 'consent.given', purpose: 'newsletter', channel: 'email', source: { kind: 'web-form', name: 'Signup' } },
    ]);
    expect(encodeSummaryFields(trail, { purpose: 'newsletter', fields: ['consentSince'] })).toEqual({ consentSince: '2012-09-19' });
    expect(encodeSummaryFields(trail, { purpose: 'newsletter', fields: ['consentSince'], timeZone: 'Europe/Paris' })).toEqual({ consentSince: '2012-09-20' });
  });

  it('says "none" and invents nothing without traceable consent', () => {
    const trail = buildTrail('nobody@example.org', [
      { subject: 'nobody@example.org', at: '2020-01-01T00:00:00Z', type: 'data.collected', source: { kind: 'import', name: 'Trade show list 2019' }, fields: [{ name: 'email', value: 'nobody@example.org' }] },
    ]);
    const fields = encodeSummaryFields(trail, { purpose: 'newsletter' });
    expect(fields).toMatchObject({ consentStatus: 'none', consentPurpose: 'newsletter', consentChannel: 'email', consentSince: '', consentSource: '', consentProof: '', consentStrength: '', reminderFr: '', reminderEn: '' });
    expect(fields.dataSources).toBe('import: Trade show list 2019, 2020-01-01 (email)');
  });

  it('describes a withdrawal by its own source, date and reason', () => {
    const trail = appendEvents(salonTrail(), [
      { subject: SALON_EMAIL, at: '2020-05-01T10:00:00Z', type: 'consent.withdrawn', purpose: 'newsletter', channel: 'email', source: { kind: 'subject', name: 'Unsubscribe link' }, reason: 'too many emails' },
    ]);
    expect(encodeSummaryFields(trail, { purpose: 'newsletter' })).toMatchObject({
      consentStatus: 'withdrawn',
      consentSince: '2020-05-01',
      consentSource: 'the person: Unsubscribe link',
      consentProof: 'reason: too many emails',
      consentStrength: '',
      reminderFr: '',
      reminderEn: '',
    });
  });

  it('produces only the fields asked for, and calls the reminder with the state, the locale and the context', () => {
    const reminder = vi.fn<SummaryReminder>((_state, locale) => (locale === 'fr' ? 'Bonjour' : undefined));
    const fields = encodeSummaryFields(salonTrail(), { purpose: 'newsletter', channel: 'email', fields: ['reminderFr', 'reminderEn', 'trailLength'], reminder, timeZone: 'Europe/Paris' });
    expect(fields).toEqual({ reminderFr: 'Bonjour', reminderEn: '', trailLength: '4' });
    expect(reminder).toHaveBeenCalledTimes(2);
    expect(reminder.mock.calls[0]![0]).toMatchObject({ subject: SALON_EMAIL, eventCount: 4 });
    expect(reminder.mock.calls[0]![2]).toEqual({ purpose: 'newsletter', channel: 'email', timeZone: 'Europe/Paris' });
    expect(validationErrorOf(() => encodeSummaryFields(salonTrail(), { purpose: 'newsletter', fields: ['nope' as SummaryFieldKey] }))?.path).toBe('fields');
  });

  it('leaves a machine value empty rather than cut it, and cuts text with an ellipsis', () => {
    const fields = encodeSummaryFields(salonTrail(), { purpose: 'newsletter', maxBytes: { trailHead: 63, consentSource: 20, trailEncoded: 100 } });
    expect(fields.trailHead).toBe('');
    expect(fields.consentSource).toBe('event: Salon E-co…');
    expect(fields.trailEncoded).toBe('');
  });

  it('keeps every value within its UTF-8 byte budget, for any trail, purpose, budgets and reminder text', () => {
    const budgetsArbitrary = fc.record(Object.fromEntries(SUMMARY_FIELD_KEYS.map((key) => [key, fc.integer({ min: 0, max: 300 })])) as Record<SummaryFieldKey, fc.Arbitrary<number>>, {
      requiredKeys: [],
    });
    const reminderTextArbitrary = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.array(fc.constantFrom(...UNICODE_SAMPLES), { maxLength: 12 }).map((parts) => parts.join(' ')));
    fc.assert(
      fc.property(
        anyTrailArbitrary(),
        fc.constantFrom('newsletter', 'offers', 'offers.partners'),
        fc.constantFrom<Channel>(...CHANNELS),
        budgetsArbitrary,
        reminderTextArbitrary,
        fc.boolean(),
        (trail, purpose, channel, maxBytes, reminderText, ownConsent) => {
          // Half the time the trail's own purpose and channel, so that the consent fields are filled.
          const consent = trail.events.find((event) => event.type.startsWith('consent.'));
          const target = consent && ownConsent ? { purpose: consent.purpose!, channel: consent.channel! } : { purpose, channel };
          const fields = encodeSummaryFields(trail, { ...target, maxBytes, reminder: () => reminderText });
          expect(Object.keys(fields).sort()).toEqual([...SUMMARY_FIELD_KEYS].sort());
          for (const key of SUMMARY_FIELD_KEYS) {
            expect(utf8ByteLength(fields[key])).toBeLessThanOrEqual(maxBytes[key] ?? 255);
            expect(LONE_SURROGATE.test(fields[key])).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('decodeSummaryFields', () => {
  it('reads back what was written, and the whole trail when it fits', () => {
    fc.assert(
      fc.property(anyTrailArbitrary(), (trail) => {
        const consent = trail.events.find((event) => event.purpose && event.channel && event.type.startsWith('consent.'));
        const purpose = consent?.purpose ?? 'newsletter';
        const channel = consent?.channel ?? 'email';
        const fields = encodeSummaryFields(trail, { purpose, channel, maxBytes: { trailEncoded: 131_072 }, reminder: () => undefined });
        const decoded = decodeSummaryFields(fields);
        expect(decoded.status).toBe(fields.consentStatus);
        expect(decoded.purpose).toBe(purpose);
        expect(decoded.trailHead).toBe(trail.events.at(-1)?.hash ?? null);
        expect(decoded.trailLength).toBe(trail.events.length);
        expect(decoded.trail).toEqual(trail);
        expect(verifyTrail(decoded.trail!, { expectedHead: decoded.trailHead, expectedLength: decoded.trailLength! }).valid).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('maps the readable values back to the model', () => {
    const trail = salonTrail();
    const decoded = decodeSummaryFields(encodeSummaryFields(trail, { purpose: 'newsletter', maxBytes: { trailEncoded: 65_536 } }));
    expect(decoded).toMatchObject({
      status: 'granted',
      purpose: 'newsletter',
      channel: 'email',
      since: '2012-09-19',
      source: 'event: Salon E-commerce Paris (Paris, Porte de Versailles)',
      strength: 'double-opt-in',
      lawfulBasis: 'consent',
      reminders: { fr: expect.stringContaining('Salon E-commerce Paris'), en: expect.stringContaining('Salon E-commerce Paris') },
      trailHead: trail.events.at(-1)!.hash,
      trailLength: 4,
      encodedTrail: { complete: true, totalLength: 4 },
    });
    expect(decoded.trail).toEqual(trail);
  });

  it('gives the latest events, without a whole trail, when only a suffix fitted', () => {
    const trail = salonTrail();
    const fields = encodeSummaryFields(trail, { purpose: 'newsletter', fields: ['trailEncoded'], maxBytes: { trailEncoded: 500 } });
    const decoded = decodeSummaryFields(fields);
    expect(decoded.trail).toBeUndefined();
    expect(decoded.encodedTrail?.complete).toBe(false);
    expect(decoded.encodedTrail?.trail.events).toEqual(trail.events.slice(trail.events.length - decoded.encodedTrail!.trail.events.length));
  });

  it('treats null, empty and missing values alike', () => {
    expect(decodeSummaryFields({ consentStatus: null, trailHead: '', trailEncoded: '  ' })).toEqual({ reminders: {}, trailHead: null });
  });

  it('throws ValidationError naming every field that cannot be what OptinTrail wrote', () => {
    const error = validationErrorOf(() =>
      decodeSummaryFields({ consentStatus: 'maybe', consentChannel: 'pigeon', consentSince: '19/09/2012', trailHead: 'abc', trailLength: '-1', trailEncoded: 'ot1:!!!', consentStrength: 'strong' }),
    );
    expect(error?.issues.map((issue) => issue.path)).toEqual(['consentStatus', 'consentChannel', 'consentSince', 'consentStrength', 'trailHead', 'trailLength', 'trailEncoded']);
  });

  it('throws ValidationError on garbage in any field, never another error', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...SUMMARY_FIELD_KEYS), fc.oneof(fc.string(), fc.constant(null))), (values) => {
        try {
          decodeSummaryFields(values);
        } catch (error) {
          expect(ValidationError.isInstance(error)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('SUMMARY_FIELDS', () => {
  it('declares every key once, with a label, a description and a 255-byte default', () => {
    expect(SUMMARY_FIELDS.map((field) => field.key)).toEqual([...SUMMARY_FIELD_KEYS]);
    for (const field of SUMMARY_FIELDS) {
      expect(field.label.length).toBeGreaterThan(0);
      expect(field.description.length).toBeGreaterThan(0);
      expect(field.maxBytes).toBe(255);
    }
  });
});
