import fc from 'fast-check';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { deflateSmall } from '../src/codec/small-deflate';
import { describe, expect, it } from 'vitest';
import {
  buildTrail,
  decodeTrail,
  encodeTrail,
  redactTrail,
  TRAIL_FIELD_BUDGETS,
  utf8ByteLength,
  ValidationError,
  verifyTrail,
  type ProvenanceEventInput,
  type Trail,
} from '../src/index';
import { compactEvent } from '../src/codec/compact-event';
import { TRAIL_DICTIONARY } from '../src/codec/trail-dictionary';
import { anyTrailArbitrary, seededRandomBytes, trailArbitrary } from './arbitraries';
import { salonEvents, SALON_EMAIL } from './fixtures';

/** Runs `action` and returns its ValidationError, failing on any other outcome but success. */
function validationErrorOf(action: () => unknown): ValidationError | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw new Error(`expected a ValidationError, got ${String(error)}`, { cause: error });
    return error;
  }
}

/** `ot1:` around any JSON, packed exactly like the codec packs it. */
function packed(content: unknown): string {
  return `ot1:${deflateRawSync(Buffer.from(JSON.stringify(content)), { dictionary: TRAIL_DICTIONARY }).toString('base64url')}`;
}

const webFormTrail = (): Trail =>
  buildTrail(
    'lea@example.org',
    [
      {
        subject: 'lea@example.org',
        at: '2021-03-04T10:00:00Z',
        type: 'consent.given',
        purpose: 'newsletter',
        channel: 'email',
        source: { kind: 'web-form', name: 'Newsletter form' },
        proof: { ip: '192.0.2.1', formVersion: 'v3' },
      },
      {
        subject: 'lea@example.org',
        at: '2021-03-05T10:00:00Z',
        type: 'consent.confirmed',
        purpose: 'newsletter',
        channel: 'email',
        source: { kind: 'subject', name: 'Confirmation link' },
        proof: { doubleOptIn: { confirmedAt: '2021-03-05T10:00:00Z', method: 'email-link', ip: '192.0.2.1' } },
      },
    ],
    { randomBytes: seededRandomBytes(4) },
  );

describe('encodeTrail / decodeTrail', () => {
  it('gives back exactly the same trail, which still verifies, at the Salesforce budget', () => {
    fc.assert(
      fc.property(anyTrailArbitrary(), (trail) => {
        const encoded = encodeTrail(trail, { maxBytes: TRAIL_FIELD_BUDGETS.salesforce });
        expect(encoded.complete).toBe(true);
        expect(encoded.eventCount).toBe(trail.events.length);
        expect(encoded.value.startsWith('ot1:')).toBe(true);
        const decoded = decodeTrail(encoded.value);
        expect(decoded.complete).toBe(true);
        expect(decoded.totalLength).toBe(trail.events.length);
        expect(decoded.trail).toEqual(trail);
        expect(verifyTrail(decoded.trail, { expectedHead: trail.events.at(-1)?.hash ?? null, expectedLength: trail.events.length }).valid).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps within any byte budget by keeping the latest events', () => {
    fc.assert(
      fc.property(anyTrailArbitrary(), fc.integer({ min: 0, max: 3000 }), (trail, maxBytes) => {
        const encoded = encodeTrail(trail, { maxBytes });
        expect(utf8ByteLength(encoded.value)).toBeLessThanOrEqual(maxBytes);
        expect(encoded.complete).toBe(encoded.eventCount === trail.events.length && encoded.value !== '');
        if (encoded.value === '') {
          expect(encoded.eventCount).toBe(0);
          return;
        }
        const decoded = decodeTrail(encoded.value);
        expect(decoded.complete).toBe(encoded.complete);
        expect(decoded.totalLength).toBe(trail.events.length);
        expect(decoded.trail.subject).toBe(trail.subject);
        expect(decoded.trail.events).toEqual(trail.events.slice(trail.events.length - encoded.eventCount));
      }),
      { numRuns: 300 },
    );
  });

  it('fits a web-form opt-in and its double opt-in confirmation in a 255-byte Mailchimp field', () => {
    const trail = webFormTrail();
    const encoded = encodeTrail(trail, { maxBytes: TRAIL_FIELD_BUDGETS.mailchimp });
    expect(encoded.value.length).toBeLessThanOrEqual(255);
    // At least the latest event fits; the suffix links to the event before it.
    expect(encoded.eventCount).toBeGreaterThanOrEqual(1);
    const decoded = decodeTrail(encoded.value);
    expect(decoded.trail.events[0]!.prev).toBe(trail.events[trail.events.length - encoded.eventCount]!.prev);
  });

  it('holds the whole trail when the budget equals its size, and only a suffix one byte below', () => {
    const trail = buildTrail(SALON_EMAIL, salonEvents(), { randomBytes: seededRandomBytes(1) });
    const whole = encodeTrail(trail, { maxBytes: 1_000_000 });
    expect(encodeTrail(trail, { maxBytes: whole.value.length })).toEqual(whole);
    const smaller = encodeTrail(trail, { maxBytes: whole.value.length - 1 });
    expect(smaller.complete).toBe(false);
    expect(smaller.eventCount).toBe(1);
    expect(decodeTrail(smaller.value).trail.events).toEqual(trail.events.slice(1));
    expect(encodeTrail(trail, { maxBytes: 20 })).toEqual({ value: '', complete: false, eventCount: 0 });
  });

  it('encodes an empty trail as complete', () => {
    const trail = buildTrail('empty@example.org', []);
    const encoded = encodeTrail(trail, { maxBytes: 255 });
    expect(encoded).toMatchObject({ complete: true, eventCount: 0 });
    expect(decodeTrail(encoded.value)).toEqual({ trail, complete: true, totalLength: 0 });
  });

  it('compresses: a hundred events take far less than their JSON', () => {
    const inputs: ProvenanceEventInput[] = Array.from({ length: 100 }, (_, index) => ({
      subject: 'bulk@example.org',
      at: new Date(Date.UTC(2020, 0, 1) + index * 86_400_000).toISOString(),
      type: 'data.updated',
      source: { kind: 'crm-user', name: 'Sales team' },
      fields: [{ name: 'score', value: index, previousValue: index - 1 }],
    }));
    const trail = buildTrail('bulk@example.org', inputs, { randomBytes: seededRandomBytes(2) });
    const encoded = encodeTrail(trail, { maxBytes: TRAIL_FIELD_BUDGETS.hubspot });
    expect(encoded.complete).toBe(true);
    expect(encoded.value.length).toBeLessThan(JSON.stringify(trail).length / 3);
  });

  it('keeps the latest events of a long trail in a small field', () => {
    const inputs: ProvenanceEventInput[] = Array.from({ length: 300 }, (_, index) => ({
      subject: 'long@example.org',
      at: new Date(Date.UTC(2015, 0, 1) + index * 3_600_000).toISOString(),
      type: index % 3 === 0 ? 'consent.renewed' : 'data.updated',
      purpose: 'newsletter',
      channel: 'email',
      source: { kind: 'crm-automation', name: `Workflow ${index % 5}` },
      ...(index % 3 === 0 ? {} : { fields: [{ name: 'score', value: index }] }),
    }));
    const trail = buildTrail('long@example.org', inputs, { randomBytes: seededRandomBytes(5) });
    for (const maxBytes of [255, 2_000, 10_000]) {
      const encoded = encodeTrail(trail, { maxBytes });
      expect(encoded.value.length).toBeLessThanOrEqual(maxBytes);
      expect(encoded.complete).toBe(false);
      expect(encoded.eventCount).toBeGreaterThanOrEqual(Math.max(1, Math.floor(maxBytes / 200)));
      expect(decodeTrail(encoded.value).trail.events).toEqual(trail.events.slice(-encoded.eventCount));
      // Within a few bytes of the budget: one more event would not have fitted.
      expect(encoded.value.length).toBeGreaterThan(maxBytes - 120);
    }
  });

  it('keeps the longest suffix that fits a short trail: more room never keeps fewer events', () => {
    fc.assert(
      fc.property(trailArbitrary({ minEvents: 2, maxEvents: 8 }), fc.integer({ min: 120, max: 900 }), (trail, maxBytes) => {
        const encoded = encodeTrail(trail, { maxBytes });
        expect(encoded.value.length).toBeLessThanOrEqual(maxBytes);
        if (encoded.eventCount > 0) expect(decodeTrail(encoded.value).trail.events).toEqual(trail.events.slice(-encoded.eventCount));
        const roomier = encodeTrail(trail, { maxBytes: maxBytes + 200 });
        expect(roomier.eventCount).toBeGreaterThanOrEqual(encoded.eventCount);
      }),
      { numRuns: 60 },
    );
  });

  it('compresses with a window sized to the input, and any inflater reads it back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40_000 }), fc.boolean(), (bytes, withDictionary) => {
        const input = Buffer.from(bytes);
        const dictionary = withDictionary ? Buffer.from('{"i":"","t":"consent.given","a":0,"s":{"k":"event","n":""}}') : undefined;
        const packed = deflateSmall(input, dictionary ? { dictionary } : {});
        expect(inflateRawSync(packed, dictionary ? { dictionary } : {}).equals(input)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('carries a tampered trail as it is, so verification still names the edited event', () => {
    fc.assert(
      fc.property(trailArbitrary({ minEvents: 3, maxEvents: 6 }), fc.nat(), (trail, pick) => {
        const tampered = structuredClone(trail);
        const index = pick % tampered.events.length;
        tampered.events[index]!.source = { ...tampered.events[index]!.source, name: 'Forged source' };
        if (index > 0 && pick % 2 === 0) tampered.events[index]!.prev = tampered.events[0]!.hash;
        const before = verifyTrail(tampered);
        const decoded = decodeTrail(encodeTrail(tampered, { maxBytes: 131_072 }).value);
        expect(decoded.trail).toEqual(tampered);
        const after = verifyTrail(decoded.trail);
        expect(before.valid).toBe(false);
        expect(after.valid).toBe(false);
        if (!before.valid && !after.valid) {
          expect(after.error.index).toBe(before.error.index);
          expect(after.error.problem).toBe(before.error.problem);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('leaves out what it can recompute (subject, time from the id, links, hashes)', () => {
    const trail = webFormTrail();
    const second = compactEvent(trail.events[1]!, { subject: trail.subject, previousHash: trail.events[0]!.hash });
    expect(Object.keys(second).sort()).toEqual(['c', 'i', 'l', 'o', 'p', 's', 't', 'z']);
    const first = compactEvent(trail.events[0]!, { subject: trail.subject, previousHash: undefined });
    expect(first.v).toBeNull();
  });

  it('refuses to encode an invalid event', () => {
    const trail = webFormTrail();
    const broken = structuredClone(trail);
    (broken.events[1] as { type: string }).type = 'consent.maybe';
    const error = validationErrorOf(() => encodeTrail(broken, { maxBytes: 1000 }));
    expect(error?.path).toBe('events[1].type');
    expect(validationErrorOf(() => encodeTrail(trail, { maxBytes: -1 }))?.path).toBe('maxBytes');
  });

  it('accepts surrounding whitespace (CRMs sometimes add a newline)', () => {
    const trail = webFormTrail();
    const { value } = encodeTrail(trail, { maxBytes: 10_000 });
    expect(decodeTrail(`  ${value}\n`).trail).toEqual(trail);
  });
});

describe('decodeTrail on garbage and altered values', () => {
  it('throws ValidationError for any string, never another error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^ot1:[A-Za-z0-9_-]{0,80}$/)), (value) => {
        expect(validationErrorOf(() => decodeTrail(value))).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });

  it('throws ValidationError for well-packed JSON that is not a trail', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (content) => {
        expect(validationErrorOf(() => decodeTrail(packed(content)))).toBeDefined();
      }),
      { numRuns: 200 },
    );
    expect(validationErrorOf(() => decodeTrail(packed(['a@example.org', 0, [], 'extra'])))).toBeDefined();
    expect(validationErrorOf(() => decodeTrail(packed(['a@example.org', -1, []])))?.path).toBe('totalLength');
  });

  it('throws ValidationError or decodes a valid trail when any member of a compact event is replaced', () => {
    const leafPaths = (value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> => {
      if (Array.isArray(value)) return [prefix, ...value.flatMap((item, index) => leafPaths(item, [...prefix, index]))];
      if (value && typeof value === 'object') return [prefix, ...Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...prefix, key]))];
      return [prefix];
    };
    fc.assert(
      fc.property(trailArbitrary({ minEvents: 1, maxEvents: 4 }), fc.nat(), fc.jsonValue(), (trail, pick, replacement) => {
        const events = trail.events.map((event, index) => compactEvent(event, { subject: trail.subject, previousHash: index === 0 ? undefined : trail.events[index - 1]!.hash }));
        const content: unknown[] = [trail.subject, trail.events.length, events];
        const paths = leafPaths(content).filter((path) => path.length > 0);
        const path = paths[pick % paths.length]!;
        let target = content as unknown as Record<string | number, unknown>;
        for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
        target[path.at(-1)!] = replacement;
        try {
          const decoded = decodeTrail(packed(content));
          // Whatever decodes is made of schema-valid events: verification may fail, but never on a malformed one.
          const verification = verifyTrail(decoded.trail, { checkSchema: true });
          if (!verification.valid) expect(verification.error.problem).not.toBe('malformed-event');
        } catch (error) {
          expect(ValidationError.isInstance(error)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('detects a changed character: an error, a chain that no longer reaches the recorded head, or no change at all', () => {
    fc.assert(
      fc.property(anyTrailArbitrary({ minEvents: 1, maxEvents: 5 }), fc.nat(), fc.stringMatching(/^[A-Za-z0-9_-]$/), (trail, pick, character) => {
        const { value } = encodeTrail(trail, { maxBytes: 131_072 });
        const position = 4 + (pick % (value.length - 4));
        const altered = `${value.slice(0, position)}${character}${value.slice(position + 1)}`;
        let decoded: Trail;
        try {
          decoded = decodeTrail(altered).trail;
        } catch (error) {
          expect(ValidationError.isInstance(error)).toBe(true);
          return;
        }
        const sameCommitments = decoded.events.length === trail.events.length && decoded.events.every((event, index) => event.hash === trail.events[index]!.hash);
        const verification = verifyTrail(decoded, { expectedHead: trail.events.at(-1)!.hash, expectedLength: trail.events.length });
        expect(sameCommitments || !verification.valid).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('throws ValidationError for a cut value, a foreign prefix or non-canonical base64url', () => {
    const { value } = encodeTrail(webFormTrail(), { maxBytes: 10_000 });
    expect(validationErrorOf(() => decodeTrail(value.slice(0, -5)))).toBeDefined();
    expect(validationErrorOf(() => decodeTrail(value.replace('ot1:', 'ot9:')))?.reason).toMatch(/ot1:/);
    expect(validationErrorOf(() => decodeTrail(`${value}=`))).toBeDefined();
    expect(validationErrorOf(() => decodeTrail(''))).toBeDefined();
    expect(validationErrorOf(() => decodeTrail(42 as unknown as string))).toBeDefined();
  });

  it('refuses a value that inflates beyond any real trail', () => {
    const bomb = `ot1:${deflateRawSync(Buffer.alloc(70 * 1024 * 1024, 0x20), { level: 9, dictionary: TRAIL_DICTIONARY }).toString('base64url')}`;
    expect(bomb.length).toBeLessThan(131_072);
    expect(validationErrorOf(() => decodeTrail(bomb))).toBeDefined();
  });

  it('names the member that is wrong inside an event', () => {
    const trail = webFormTrail();
    const events = trail.events.map((event, index) => compactEvent(event, { subject: trail.subject, previousHash: index === 0 ? undefined : trail.events[index - 1]!.hash }));
    (events[1] as Record<string, unknown>).q = 1;
    expect(validationErrorOf(() => decodeTrail(packed([trail.subject, 2, events])))?.path).toBe('events[1]');
    delete (events[1] as Record<string, unknown>).q;
    (events[1] as Record<string, unknown>).t = 99;
    expect(validationErrorOf(() => decodeTrail(packed([trail.subject, 2, events])))?.path).toBe('events[1].type');
  });

  it('refuses a "complete" trail whose first event has a predecessor', () => {
    const trail = webFormTrail();
    const suffix = encodeTrail(trail, { maxBytes: 255 });
    expect(suffix.eventCount).toBe(1);
    const [subject, , events] = JSON.parse(inflateRawSync(Buffer.from(suffix.value.slice(4), 'base64url'), { dictionary: TRAIL_DICTIONARY }).toString()) as [string, number, unknown[]];
    // Re-pack the suffix claiming it is the whole trail.
    expect(validationErrorOf(() => decodeTrail(packed([subject, 1, events])))?.path).toBe('events[0].prev');
  });
});

describe('redacted trails', () => {
  it('round-trip after erasure and keep verifying', () => {
    const trail = redactTrail(buildTrail(SALON_EMAIL, salonEvents(), { randomBytes: seededRandomBytes(9) }));
    const decoded = decodeTrail(encodeTrail(trail, { maxBytes: 65_536 }).value);
    expect(decoded.trail).toEqual(trail);
    expect(JSON.stringify(decoded.trail)).not.toContain('Camille');
    expect(verifyTrail(decoded.trail).valid).toBe(true);
  });
});
