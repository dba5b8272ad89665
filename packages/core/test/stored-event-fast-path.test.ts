/**
 * The hand-written fast path of `parseStoredEvent` against the zod schema it stands in for: on valid,
 * redacted and mutated stored events it accepts exactly what the schema accepts, with the same value
 * (same members, same order, same normalisation), and leaves every rejection to the schema.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStoredEvent, provenanceEventSchema, stripUndefined, ValidationError, type ProvenanceEvent } from '../src/index';
import { isRealDateTime, storedDateTime } from '../src/model/event-rules';
import { parseStoredEventFast } from '../src/model/stored-event-fast-path';
import { anyTrailArbitrary } from './arbitraries';

/** What the schema alone makes of an input: the stored event, or 'rejected'. */
function bySchema(input: unknown): ProvenanceEvent | 'rejected' {
  const result = provenanceEventSchema.safeParse(input);
  return result.success ? (stripUndefined(result.data) as ProvenanceEvent) : 'rejected';
}

function expectSameAnswer(input: unknown): void {
  const expected = bySchema(input);
  const fast = parseStoredEventFast(input);
  if (expected === 'rejected') {
    expect(fast).toBeUndefined();
    expect(() => parseStoredEvent(input)).toThrow(ValidationError);
    return;
  }
  expect(fast).toBeDefined();
  expect(fast).toStrictEqual(expected);
  // Member order too: what JSON.stringify (and so every CRM payload) sees.
  expect(JSON.stringify(fast)).toBe(JSON.stringify(expected));
  expect(parseStoredEvent(input)).toStrictEqual(expected);
}

const storedEventArbitrary: fc.Arbitrary<ProvenanceEvent> = anyTrailArbitrary({ minEvents: 1, maxEvents: 4 }).chain((trail) => fc.constantFrom(...trail.events));

/** Every path inside a JSON value, objects and arrays included. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
}

const REMOVE = Symbol('remove');
const ADD_MEMBER = Symbol('add a member');

function mutate(value: unknown, path: ReadonlyArray<string | number>, replacement: unknown): unknown {
  if (path.length === 0) {
    if (replacement === ADD_MEMBER && value !== null && typeof value === 'object' && !Array.isArray(value)) return { ...value, unexpected: 'member' };
    if (typeof replacement === 'function') return (replacement as (old: unknown) => unknown)(value);
    return replacement === REMOVE ? undefined : replacement;
  }
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  const [key, ...rest] = path as [string | number, ...Array<string | number>];
  if (rest.length === 0 && replacement === REMOVE) delete copy[key];
  else copy[key] = mutate(copy[key], rest, replacement);
  return copy;
}

const HEX = 'a'.repeat(64);

/** Values near the edges of what each member accepts. */
const edgeValue = fc.constantFrom<unknown>(
  '',
  ' ',
  '\u00a0',
  '\ufeffSalon',
  '  Salon E-commerce Paris  ',
  'Salon\tParis',
  'Salon\nParis',
  'Salon\r\nParis',
  'Salon\u0085Paris',
  'Salon\u007fParis',
  'Caf\u00e9 \u{1F3AA}',
  'lone \uD800 surrogate',
  'lone \uDC00 low',
  'x'.repeat(100),
  'x'.repeat(101),
  'x'.repeat(200),
  'x'.repeat(201),
  'x'.repeat(1000),
  'x'.repeat(1001),
  'x'.repeat(10_001),
  ' Camille.Martin@Example.FR ',
  'camille@exa mple.fr',
  'camille..martin@example.fr',
  'CAMILLE@EXAMPLE.ORG',
  `${'a'.repeat(64)}@${'b'.repeat(185)}.org`,
  `${'a'.repeat(64)}@${'b'.repeat(186)}.org`,
  'A\u030a@example.org',
  '2012-09-19T09:30:00Z',
  '2012-09-19T09:30:00+02:00',
  '2012-09-19T09:30:00.123456789Z',
  '2012-09-19T09:30Z',
  '2024-02-29T00:00:00Z',
  '2023-02-29T00:00:00Z',
  '1899-12-31T23:59:59Z',
  '2199-12-31T23:59:59-23:59',
  '2012-09-19T09:30:00+99:99',
  '2012-09-19 09:30:00Z',
  // Already in the stored form (UTC with milliseconds): checked without parsing.
  '2012-09-19T09:30:00.000Z',
  '2024-02-29T23:59:59.999Z',
  '2023-02-29T00:00:00.000Z',
  '1900-02-29T00:00:00.000Z',
  '2000-02-29T00:00:00.000Z',
  '2100-02-29T00:00:00.000Z',
  '2012-04-31T00:00:00.000Z',
  '2012-04-30T00:00:00.000Z',
  '2012-13-01T00:00:00.000Z',
  '2012-00-10T00:00:00.000Z',
  '2012-09-00T00:00:00.000Z',
  '2012-09-19T24:00:00.000Z',
  '2012-09-19T23:60:00.000Z',
  '2012-09-19T23:59:60.000Z',
  '1899-12-31T23:59:59.999Z',
  '1900-01-01T00:00:00.000Z',
  '2199-12-31T23:59:59.999Z',
  '2200-01-01T00:00:00.000Z',
  '+02012-09-19T09:30:00.000Z',
  '2012-09-19T09:30:00.000z',
  '192.0.2.1',
  '256.0.0.1',
  '01.2.3.4',
  '::1',
  '2001:db8::1',
  '::ffff:192.0.2.1',
  'fe80::1%eth0',
  '::@1\\',
  `sha256:${HEX}`,
  `hmac:${HEX}`,
  `SHA256:${HEX}`,
  HEX,
  HEX.toUpperCase(),
  'abcdefghijklmnop',
  'abcdefghijklmno',
  '0190c9a2-7d3e-7abc-8def-0123456789ab',
  '0190C9A2-7D3E-7ABC-8DEF-0123456789AB',
  '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  '81ARZ3NDEKTSV4RRFFQ69G5FAV',
  'https://example.org/form',
  'HTTP://EXAMPLE.ORG',
  'https://example.org/a b',
  'javascript:alert(1)',
  'firstName',
  '1field',
  'newsletter',
  'Newsletter',
  'consent.given',
  'data.collected',
  'data.erased',
  'data.rectified',
  'event',
  'email',
  'consent',
  'staff',
  'email-link',
  0,
  -0,
  1.5,
  2 ** 60,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  null,
  undefined,
  [],
  [{ name: 'city', value: 'Lyon' }],
  [{ name: 'city', value: 'Lyon' }, { name: 'city', value: 'Paris' }],
  [{ name: 'city' }],
  {},
  { redacted: true, digest: `sha256:${HEX}` },
  { redacted: true, digest: 'sha256:short' },
  { redacted: 'true', digest: `sha256:${HEX}` },
  { redacted: true, digest: `sha256:${HEX}`, extra: 1 },
  { fr: 'lors du Salon', en: ' at the fair ' },
  { en_US: 'at the fair' },
  { 'en-GB': '' },
  { kind: 'staff', name: ' Camille ' },
  { kind: 'event', name: 'Salon' },
  { confirmedAt: '2012-09-20T07:00:00+02:00', method: 'sms-code' },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  JSON.parse('{"__proto__": "x", "fr": "lors du Salon"}'),
  Object.assign(Object.create(null), { fr: 'lors du Salon' }),
  new Date(0),
);

/** Changes that keep the member's kind: the same text with spaces, in capitals, cut or repeated. */
const nearbyValue = fc.constantFrom<(old: unknown) => unknown>(
  (old) => (typeof old === 'string' ? ` ${old} ` : old),
  (old) => (typeof old === 'string' ? old.toUpperCase() : old),
  (old) => (typeof old === 'string' ? old.slice(0, Math.max(0, old.length - 1)) : old),
  (old) => (typeof old === 'string' ? old.repeat(30) : old),
  (old) => (typeof old === 'string' ? `${old}\u0000` : old),
  (old) => (typeof old === 'number' ? -old : old),
  (old) => (old !== null && typeof old === 'object' && !Array.isArray(old) ? Object.assign(Object.create(null), old) : old),
);

const replacement = fc.oneof(
  { weight: 1, arbitrary: fc.constant<unknown>(REMOVE) },
  { weight: 1, arbitrary: fc.constant<unknown>(ADD_MEMBER) },
  { weight: 4, arbitrary: edgeValue },
  { weight: 2, arbitrary: nearbyValue },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 2 }) },
);

describe('parseStoredEvent fast path (properties)', () => {
  it('accepts every valid, erased or partly redacted stored event with the value the schema gives', () => {
    fc.assert(fc.property(storedEventArbitrary, (event) => expectSameAnswer(event)), { numRuns: 400 });
  });

  it('accepts and refuses exactly what the schema does when one member is removed, added or replaced', () => {
    fc.assert(
      fc.property(
        storedEventArbitrary.chain((event) => fc.tuple(fc.constant(event), fc.constantFrom(...pathsOf(event)), replacement)),
        ([event, path, value]) => expectSameAnswer(mutate(event, path, value)),
      ),
      { numRuns: 3000 },
    );
  });

  it('accepts and refuses exactly what the schema does with two members changed at once', () => {
    fc.assert(
      fc.property(
        storedEventArbitrary.chain((event) => fc.tuple(fc.constant(event), fc.constantFrom(...pathsOf(event)), replacement, fc.constantFrom(...pathsOf(event)), replacement)),
        ([event, firstPath, firstValue, secondPath, secondValue]) => {
          const once = mutate(event, firstPath, firstValue);
          // The second path may no longer exist after the first change: then only the first counts.
          const twice = (() => {
            try {
              return mutate(once, secondPath, secondValue);
            } catch {
              return once;
            }
          })();
          expectSameAnswer(twice);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('reads a date-time already in the stored form as the schema does (check, then toISOString)', () => {
    const pad = (value: number, width: number) => String(value).padStart(width, '0');
    const digits = fc.tuple(
      fc.integer({ min: 1850, max: 2250 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 999 }),
    );
    fc.assert(
      fc.property(digits, ([year, month, day, hour, minute, second, millisecond]) => {
        const value = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(millisecond, 3)}Z`;
        expect(storedDateTime(value)).toBe(isRealDateTime(value) ? new Date(value).toISOString() : undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses (through the schema) whatever is not an event at all', () => {
    fc.assert(fc.property(fc.anything(), (input) => expectSameAnswer(input)), { numRuns: 300 });
  });

  it('returns a fresh value that shares no object with the input', () => {
    fc.assert(
      fc.property(storedEventArbitrary, (event) => {
        const parsed = parseStoredEventFast(event)!;
        const inputs = new Set<unknown>();
        const collect = (value: unknown) => {
          if (value !== null && typeof value === 'object') {
            inputs.add(value);
            Object.values(value).forEach(collect);
          }
        };
        collect(event);
        const shared: unknown[] = [];
        const walk = (value: unknown) => {
          if (value !== null && typeof value === 'object') {
            if (inputs.has(value)) shared.push(value);
            Object.values(value).forEach(walk);
          }
        };
        walk(parsed);
        expect(shared).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});
