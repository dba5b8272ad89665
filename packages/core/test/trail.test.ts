import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendEvents,
  assembleTrail,
  buildTrail,
  createTrail,
  newEventsOnly,
  redactFields,
  redactTrail,
  TrailIntegrityError,
  ValidationError,
  verifyTrail,
  type ProvenanceEvent,
  type ProvenanceEventInput,
  type Trail,
} from '../src/index';
import { salonEvents, SALON_EMAIL, seededBytes } from './fixtures';

const email = 'lea@example.org';

const sourceArbitrary = fc.record({
  kind: fc.constantFrom('event', 'web-form', 'import', 'partner', 'phone', 'crm-user'),
  name: fc.string({ minLength: 1, maxLength: 40 }).filter((name) => /^[^\u0000-\u001f\u007f-\u009f]+$/.test(name) && name.trim().length > 0),
});

const eventArbitrary: fc.Arbitrary<ProvenanceEventInput> = fc.oneof(
  fc.record({
    subject: fc.constant(email),
    at: fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((date) => date.toISOString()),
    type: fc.constantFrom('consent.given', 'consent.withdrawn', 'consent.confirmed', 'consent.renewed'),
    purpose: fc.constantFrom('newsletter', 'offers'),
    channel: fc.constantFrom('email', 'sms'),
    source: sourceArbitrary,
    proof: fc.option(fc.record({ ip: fc.ipV4(), userAgent: fc.constant('Mozilla/5.0') }), { nil: undefined }),
  }) as fc.Arbitrary<ProvenanceEventInput>,
  fc.record({
    subject: fc.constant(email),
    at: fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((date) => date.toISOString()),
    type: fc.constantFrom('data.collected', 'data.updated'),
    source: sourceArbitrary,
    fields: fc.uniqueArray(
      fc.record({ name: fc.constantFrom('firstName', 'lastName', 'city', 'phone'), value: fc.oneof(fc.string({ maxLength: 30 }).filter((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(s)), fc.integer(), fc.boolean()) }),
      { minLength: 1, maxLength: 3, selector: (field) => field.name },
    ),
  }) as fc.Arbitrary<ProvenanceEventInput>,
);

const trailArbitrary = fc.array(eventArbitrary, { minLength: 1, maxLength: 8 }).map((inputs) => buildTrail(email, inputs));

/** Every leaf of a JSON value as a path, so a property test can mutate each one. */
function leafPaths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((item, index) => leafPaths(item, [...prefix, index]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...prefix, key]));
  return [prefix];
}

function mutateAt(trail: Trail, path: Array<string | number>): Trail {
  const copy = structuredClone(trail);
  let target: Record<string | number, unknown> = copy as unknown as Record<string, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  const value = target[last];
  target[last] = typeof value === 'string' ? (value.length > 0 ? `${value.slice(0, -1)}${value.at(-1) === 'x' ? 'y' : 'x'}` : 'x') : typeof value === 'number' ? value + 1 : typeof value === 'boolean' ? !value : 'x';
  return copy;
}

describe('trail', () => {
  it('builds a chain whose first event has no predecessor and whose links follow the hashes', () => {
    const trail = buildTrail(SALON_EMAIL, salonEvents(), { randomBytes: seededBytes() });
    expect(trail.events[0]!.prev).toBeNull();
    expect(trail.events[1]!.prev).toBe(trail.events[0]!.hash);
    expect(verifyTrail(trail)).toEqual({ valid: true, head: trail.events[1]!.hash, length: 2 });
  });

  it('normalises the subject and the dates', () => {
    const trail = buildTrail(' Camille.Martin@Example.FR ', salonEvents(' CAMILLE.martin@example.fr'));
    expect(trail.subject).toBe(SALON_EMAIL);
    expect(trail.events[0]!.subject).toBe(SALON_EMAIL);
    expect(trail.events[0]!.at).toBe('2012-09-19T09:30:00.000Z');
  });

  it('gives sortable UUIDv7 ids that follow the event time', () => {
    const trail = buildTrail(SALON_EMAIL, [...salonEvents(), { ...salonEvents()[0]!, at: '2020-01-01T00:00:00Z', type: 'consent.renewed' }]);
    const ids = trail.events.map((event) => event.id);
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7/.test(id))).toBe(true);
    expect(ids[2]! > ids[0]!).toBe(true);
  });

  it('is deterministic for the same random source', () => {
    const first = buildTrail(SALON_EMAIL, salonEvents(), { randomBytes: seededBytes(3) });
    const second = buildTrail(SALON_EMAIL, salonEvents(), { randomBytes: seededBytes(3) });
    expect(second).toEqual(first);
  });

  it('appends nothing when one input of a batch is invalid', () => {
    const trail = buildTrail(SALON_EMAIL, salonEvents());
    const inputs = [
      { ...salonEvents()[0]!, at: '2013-01-01T00:00:00Z', type: 'consent.renewed' },
      { ...salonEvents()[0]!, at: 'yesterday' },
    ];
    const error = (() => {
      try {
        appendEvents(trail, inputs);
      } catch (caught) {
        return caught;
      }
    })();
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).path).toBe('events[1].at');
    expect(trail.events).toHaveLength(2);
  });

  it('refuses events of another subject and duplicate ids, and newEventsOnly makes re-runs idempotent', () => {
    const trail = buildTrail(SALON_EMAIL, salonEvents());
    expect(() => appendEvents(trail, salonEvents('other@example.org'))).toThrow(/another subject/);
    const withIds = salonEvents().map((input, index) => ({ ...input, id: trail.events[index]!.id }));
    expect(() => appendEvents(trail, withIds)).toThrow(/already in the trail/);
    expect(appendEvents(trail, newEventsOnly(trail, withIds))).toEqual(trail);
  });

  it('detects every single mutation of any stored value (property)', () => {
    fc.assert(
      fc.property(trailArbitrary, fc.nat(), (trail, pick) => {
        const paths = leafPaths(trail.events).map((path) => ['events', ...path]);
        const path = paths[pick % paths.length]!;
        const result = verifyTrail(mutateAt(trail, path));
        expect(result.valid).toBe(false);
        if (!result.valid) expect(result.error.index).toBeLessThanOrEqual(Number(path[1]) + 1);
      }),
      { numRuns: 300 },
    );
  });

  it('names the edited event as the first bad one', () => {
    fc.assert(
      fc.property(trailArbitrary, fc.nat(), (trail, pick) => {
        const index = pick % trail.events.length;
        const tampered = structuredClone(trail);
        tampered.events[index]!.at = '1999-12-31T00:00:00.000Z';
        const result = verifyTrail(tampered);
        expect(result.valid).toBe(false);
        if (!result.valid) {
          expect(result.error.eventId).toBe(trail.events[index]!.id);
          expect(result.error.problem).toBe('content-mismatch');
        }
      }),
    );
  });

  it('detects deletion, insertion and reordering (property)', () => {
    fc.assert(
      fc.property(trailArbitrary.filter((trail) => trail.events.length >= 2), fc.nat(), fc.nat(), (trail, a, b) => {
        const n = trail.events.length;
        const i = a % n;
        const deleted = { ...trail, events: trail.events.filter((_, index) => index !== i) };
        expect(verifyTrail(deleted, { expectedHead: trail.events.at(-1)!.hash }).valid).toBe(false);
        const duplicate = { ...trail, events: [...trail.events.slice(0, i + 1), trail.events[b % n]!, ...trail.events.slice(i + 1)] };
        expect(verifyTrail(duplicate).valid).toBe(false);
        const j = b % n;
        if (i !== j) {
          const swapped = structuredClone(trail);
          [swapped.events[i], swapped.events[j]] = [swapped.events[j]!, swapped.events[i]!];
          expect(verifyTrail(swapped).valid).toBe(false);
        }
      }),
    );
  });

  it('detects a missing tail only against an anchor (head or length)', () => {
    const trail = buildTrail(SALON_EMAIL, salonEvents());
    const truncated = { ...trail, events: trail.events.slice(0, 1) };
    expect(verifyTrail(truncated).valid).toBe(true);
    const result = verifyTrail(truncated, { expectedHead: trail.events[1]!.hash });
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.error.problem).toBe('head-mismatch');
    expect(verifyTrail(truncated, { expectedLength: 2 }).valid).toBe(false);
  });

  it('rebuilds chain order from events read back in any order (property)', () => {
    fc.assert(
      fc.property(trailArbitrary, fc.func(fc.integer()), (trail, order) => {
        const shuffled = [...trail.events].sort((x, y) => order(x.id) - order(y.id));
        expect(assembleTrail(trail.subject, shuffled)).toEqual(trail);
      }),
    );
  });

  it('keeps events that do not fit the chain so verification reports them', () => {
    const trail = buildTrail(SALON_EMAIL, salonEvents());
    const stray: ProvenanceEvent = { ...trail.events[1]!, prev: 'f'.repeat(64) };
    const assembled = assembleTrail(trail.subject, [stray, trail.events[0]!]);
    expect(assembled.events).toHaveLength(2);
    const result = verifyTrail(assembled);
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.error.eventId).toBe(stray.id);
  });

  it('erases personal data and still verifies (property)', () => {
    fc.assert(
      fc.property(trailArbitrary, (trail) => {
        const erased = redactTrail(trail);
        expect(verifyTrail(erased).valid).toBe(true);
        expect(erased.events.map((event) => event.hash)).toEqual(trail.events.map((event) => event.hash));
        const text = JSON.stringify(erased);
        expect(text).not.toContain(email);
        expect(erased.events.every((event) => event.salt === undefined)).toBe(true);
      }),
    );
  });

  it('redacts some fields and keeps the others readable', () => {
    const trail = buildTrail(SALON_EMAIL, salonEvents());
    const redacted = redactFields(trail, ['city']);
    expect(verifyTrail(redacted).valid).toBe(true);
    const fields = redacted.events[1]!.fields!;
    expect(fields[0]!.value).toBe('Camille');
    expect(fields[1]!.value).toEqual({ redacted: true, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(redacted.events[1]!.subject).toBe(SALON_EMAIL);
  });

  it('detects a redaction marker with the wrong digest', () => {
    const trail = redactTrail(buildTrail(SALON_EMAIL, salonEvents()));
    const forged = structuredClone(trail);
    (forged.events[1]!.fields![1]!.value as { digest: string }).digest = `sha256:${'0'.repeat(64)}`;
    expect(verifyTrail(forged).valid).toBe(false);
  });

  it('throws TrailIntegrityError with the first bad event from assertTrailVerifies', async () => {
    const { assertTrailVerifies } = await import('../src/index');
    const trail = buildTrail(SALON_EMAIL, salonEvents());
    const tampered = structuredClone(trail);
    tampered.events[0]!.source.name = 'Foire de Lyon';
    expect(() => assertTrailVerifies(tampered)).toThrowError(TrailIntegrityError);
    expect(createTrail('A@B.example').subject).toBe('a@b.example');
  });
});
