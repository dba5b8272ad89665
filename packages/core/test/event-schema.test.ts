import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEventInput, ValidationError } from '../src/index';
import { salonEvents } from './fixtures';

const valid = salonEvents()[0]!;

function issueFor(input: unknown): { path: string; reason: string } {
  try {
    parseEventInput(input);
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true);
    return { path: (error as ValidationError).path, reason: (error as ValidationError).reason };
  }
  throw new Error('expected a ValidationError');
}

describe('event schema', () => {
  it('accepts a complete event and normalises it', () => {
    const parsed = parseEventInput({ ...valid, subject: '  Camille.Martin@EXAMPLE.fr', at: '2012-09-19T11:30:00+02:00' });
    expect(parsed.subject).toBe('camille.martin@example.fr');
    expect(parsed.at).toBe('2012-09-19T09:30:00.000Z');
  });

  it.each([
    [{ ...valid, subject: 'not-an-email' }, 'subject', /email/],
    [{ ...valid, at: '2023-02-30T00:00:00Z' }, 'at', /real calendar day/],
    [{ ...valid, at: '2023-01-01T00:00:00' }, 'at', /time zone/],
    [{ ...valid, at: 1700000000 }, 'at', /./],
    [{ ...valid, type: 'consent.maybe' }, 'type', /one of/],
    [{ ...valid, purpose: undefined }, 'purpose', /required/],
    [{ ...valid, source: { kind: 'event' } }, 'source.name', /./],
    [{ ...valid, source: { ...valid.source, name: 'Salon\u0000Paris' } }, 'source.name', /control/],
    [{ ...valid, source: { ...valid.source, name: 'x'.repeat(201) } }, 'source.name', /200/],
    [{ ...valid, source: { ...valid.source, phrases: { 'not a locale!': 'x' } } }, 'source.phrases', /BCP 47/],
    [{ ...valid, proof: { ip: '999.1.1.1' } }, 'proof.ip', /IPv4/],
    [{ ...valid, unexpected: true }, '', /unrecognized|Unrecognized/],
    [{ ...valid, id: 'abc' }, 'id', /UUID/],
    [{ ...valid, type: 'data.rectified', fields: [{ name: 'city', value: 'Paris' }], purpose: undefined, channel: undefined }, 'reason', /required/],
    [{ ...valid, type: 'data.collected', purpose: undefined, channel: undefined, fields: [{ name: 'city' }] }, 'fields[0].value', /required/],
    [{ ...valid, fields: [{ name: 'city', value: 'x' }] }, 'fields', /only data/],
  ])('rejects %#: names %s', (input, path, reason) => {
    const issue = issueFor(input);
    expect(issue.path.startsWith(path)).toBe(true);
    expect(issue.reason).toMatch(reason);
  });

  it('never throws anything but a ValidationError on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        try {
          parseEventInput(input);
        } catch (error) {
          expect(ValidationError.isInstance(error)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reports a hostile but printable source name as data, unchanged', () => {
    const name = '<script>alert("x")</script> \u202Eevil \u05D0\u05D1';
    const parsed = parseEventInput({ ...valid, source: { kind: 'event', name } });
    expect(parsed.source.name).toBe(name);
  });
});
