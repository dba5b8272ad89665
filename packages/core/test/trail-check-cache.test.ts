import { describe, expect, it } from 'vitest';
import { buildTrail, encodeSummaryFields, encodeTrail, verifyTrail, type Trail } from '../src/index';
import { computeEventHash } from '../src/trail/hash-chain';
import { salonEvents, SALON_EMAIL, seededBytes } from './fixtures';

// verifyTrail and encodeTrail remember events they have checked (validated-event-cache.ts). An event
// edited in place after that must be judged exactly as a fresh copy of it would be.
const fresh = (): Trail => buildTrail(SALON_EMAIL, salonEvents(), { randomBytes: seededBytes(7) });
const copyOf = (trail: Trail): Trail => structuredClone(trail);
const problemOf = (trail: Trail) => {
  const result = verifyTrail(trail);
  return result.valid ? 'valid' : `${result.error.problem} at ${result.error.index}`;
};

const edits: Array<[string, (trail: Trail) => void]> = [
  ['a changed source name', (trail) => (trail.events[1]!.source.name = 'Somewhere else')],
  ['an undefined member added', (trail) => Object.assign(trail.events[1]!, { extra: undefined })],
  ['a Date instead of the time', (trail) => Object.assign(trail.events[1]!, { at: new Date(trail.events[1]!.at) })],
  ['an unknown type', (trail) => Object.assign(trail.events[0]!, { type: 'not.a.type' })],
  ['a field value turned into NaN', (trail) => Object.assign(trail.events.find((event) => event.fields)!.fields![0]!, { value: Number.NaN })],
];

describe('events checked once, then edited in place', () => {
  it.each(edits)('%s is found as in a fresh copy', (_name, edit) => {
    const trail = fresh();
    expect(verifyTrail(trail).valid).toBe(true);
    encodeSummaryFields(trail, { purpose: 'newsletter' });
    edit(trail);
    let fromFresh: string;
    try {
      fromFresh = problemOf(copyOf(trail));
    } catch {
      fromFresh = 'throws';
    }
    expect(fromFresh).not.toBe('valid');
    let fromEdited: string;
    try {
      fromEdited = problemOf(trail);
    } catch {
      fromEdited = 'throws';
    }
    expect(fromEdited).toBe(fromFresh);
  });

  it('encodes an edited event as it is now, not as it was', () => {
    const trail = fresh();
    const before = encodeTrail(trail, { maxBytes: 65_536 }).value;
    trail.events[1]!.source.name = 'Somewhere else';
    const after = encodeTrail(trail, { maxBytes: 65_536 }).value;
    expect(after).not.toBe(before);
    expect(after).toBe(encodeTrail(copyOf(trail), { maxBytes: 65_536 }).value);
  });

  it('gives the same results and hashes on a second pass as on the first', () => {
    const trail = fresh();
    const first = [verifyTrail(trail), encodeSummaryFields(trail, { purpose: 'newsletter' }), encodeTrail(trail, { maxBytes: 255 })];
    const second = [verifyTrail(trail), encodeSummaryFields(trail, { purpose: 'newsletter' }), encodeTrail(trail, { maxBytes: 255 })];
    expect(second).toEqual(first);
    for (const event of trail.events) expect(computeEventHash(event)).toBe(event.hash);
  });
});
