import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTrail, foldTrail, isRedacted, redactTrail, ValidationError, verifyTrail, type Trail } from '../src/index';
import { buildAccessReport } from '../src/rights/access-report';
import { applyRectification, rectificationEvent } from '../src/rights/rectification';
import { redactFieldValues } from '../src/rights/redact-field-values';
import { seededRandomBytes } from './arbitraries';
import { salonEvents, SALON_EMAIL } from './fixtures';

const staff = { kind: 'staff' as const, id: 'u-42', name: 'Jean Dupont' };

/** Camille's city: Lyon (salon, 2012) → Paris (web form, 2016) → Pariss (typo by staff, 2018). */
function movingTrail(): Trail {
  return buildTrail(
    SALON_EMAIL,
    [
      ...salonEvents(),
      { subject: SALON_EMAIL, at: '2016-06-01T00:00:00Z', type: 'data.updated', source: { kind: 'web-form', name: 'Profile page' }, fields: [{ name: 'city', value: 'Paris', previousValue: 'Lyon' }] },
      { subject: SALON_EMAIL, at: '2018-06-01T00:00:00Z', type: 'data.updated', source: { kind: 'crm-user', name: 'Back office' }, actor: staff, fields: [{ name: 'city', value: 'Pariss', previousValue: 'Paris' }] },
    ],
    { randomBytes: seededRandomBytes(3) },
  );
}

const request = { field: 'city', value: 'Paris', reason: 'Typo in the back office', at: '2020-02-02T12:00:00Z', actor: staff };

describe('rectificationEvent', () => {
  it('builds a validated data.rectified event with the value it replaces, the reason and the actor', () => {
    const event = rectificationEvent(movingTrail(), request);
    expect(event).toMatchObject({
      subject: SALON_EMAIL,
      type: 'data.rectified',
      at: '2020-02-02T12:00:00.000Z',
      fields: [{ name: 'city', value: 'Paris', previousValue: 'Pariss' }],
      reason: 'Typo in the back office',
      actor: staff,
      source: { kind: 'crm-user' },
    });
  });

  it('uses the source given, and a subject source when the person corrects it themself', () => {
    const own = rectificationEvent(movingTrail(), { ...request, actor: { kind: 'subject' } });
    expect(own.source.kind).toBe('subject');
    const given = rectificationEvent(movingTrail(), { ...request, source: { kind: 'web-form', name: 'Preference centre' } });
    expect(given.source).toEqual({ kind: 'web-form', name: 'Preference centre' });
  });

  it('requires a reason and an actor', () => {
    expect(() => rectificationEvent(movingTrail(), { ...request, reason: '  ' })).toThrow(expect.objectContaining({ path: 'reason' }));
    const { actor: _actor, ...withoutActor } = request;
    let error: unknown;
    try {
      rectificationEvent(movingTrail(), withoutActor);
    } catch (caught) {
      error = caught;
    }
    expect(ValidationError.isInstance(error) && error.issues.map((issue) => issue.path)).toEqual(['actor']);
  });

  it('refuses a value the field already holds, a bad field name, and an erased subject', () => {
    expect(() => rectificationEvent(movingTrail(), { ...request, value: 'Pariss' })).toThrow(/already holds this value/);
    expect(() => rectificationEvent(movingTrail(), { ...request, field: '1city' })).toThrow(ValidationError);
    expect(() => rectificationEvent(redactTrail(movingTrail()), request)).toThrow(/was erased/);
  });

  it('omits previousValue for a field never held', () => {
    const event = rectificationEvent(movingTrail(), { ...request, field: 'lastName', value: 'Martin' });
    expect(event.fields).toEqual([{ name: 'lastName', value: 'Martin' }]);
  });
});

describe('applyRectification', () => {
  it('corrects the field and keeps the old value in the history', () => {
    const trail = applyRectification(movingTrail(), request, { randomBytes: seededRandomBytes(4) });
    expect(verifyTrail(trail).valid).toBe(true);
    const city = foldTrail(trail).fields.city!;
    expect(city.value).toBe('Paris');
    expect(city.history.map((entry) => [entry.type, entry.previousValue ?? null, entry.value])).toEqual([
      ['data.collected', null, 'Lyon'],
      ['data.updated', 'Lyon', 'Paris'],
      ['data.updated', 'Paris', 'Pariss'],
      ['data.rectified', 'Pariss', 'Paris'],
    ]);
    expect(city.history.at(-1)).toMatchObject({ reason: 'Typo in the back office', actor: staff });
    // The access report shows the correction with who and why.
    const change = buildAccessReport(trail, { generatedAt: '2024-01-01T00:00:00Z' }).sections[0]!.fields.find((field) => field.name === 'city')!.changes.at(-1)!;
    expect(change).toMatchObject({ type: 'data.rectified', previousValue: 'Pariss', value: 'Paris', reason: 'Typo in the back office', actor: staff });
  });

  it('with redactPrevious, erases only the replaced value and keeps the other past values', () => {
    const trail = applyRectification(movingTrail(), request, { redactPrevious: true });
    expect(verifyTrail(trail).valid).toBe(true);
    expect(JSON.stringify(trail)).not.toContain('Pariss');
    const city = foldTrail(trail).fields.city!;
    expect(city.value).toBe('Paris');
    const history = city.history.map((entry) => [entry.previousValue, entry.value].map((value) => (isRedacted(value) ? '[redacted]' : (value ?? null))));
    expect(history).toEqual([
      [null, 'Lyon'],
      ['Lyon', 'Paris'],
      ['Paris', '[redacted]'],
      ['[redacted]', 'Paris'],
    ]);
    // Other fields and the subject are untouched.
    expect(foldTrail(trail).fields.firstName!.value).toBe('Camille');
    expect(trail.events.every((event) => event.subject === SALON_EMAIL)).toBe(true);
  });

  it('leaves the trail unchanged when the request is refused', () => {
    const trail = movingTrail();
    const before = structuredClone(trail);
    expect(() => applyRectification(trail, { ...request, reason: '' }, { redactPrevious: true })).toThrow(ValidationError);
    expect(trail).toEqual(before);
  });
});

describe('redactFieldValues', () => {
  it('redacts exactly the matching values of the field, and the chain still verifies (property)', () => {
    const value = fc.oneof(fc.constantFrom('Lyon', 'Paris', 'Lille'), fc.integer({ min: 0, max: 3 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(value, fc.constantFrom('city', 'town')), { minLength: 1, maxLength: 6 }), value, (changes, target) => {
        const trail = buildTrail(
          SALON_EMAIL,
          changes.map(([fieldValue, name], index) => ({ subject: SALON_EMAIL, at: `2020-01-0${index + 1}T00:00:00Z`, type: 'data.collected', source: { kind: 'import', name: 'List' }, fields: [{ name, value: fieldValue }] })),
        );
        const redacted = redactFieldValues(trail, 'city', (candidate) => candidate === target);
        expect(verifyTrail(redacted)).toMatchObject({ valid: true, head: trail.events.at(-1)!.hash });
        redacted.events.forEach((event, index) => {
          const [original, name] = changes[index]!;
          const stored = event.fields![0]!.value;
          if (name === 'city' && original === target) expect(isRedacted(stored)).toBe(true);
          else expect(stored).toBe(original);
        });
      }),
    );
  });
});
