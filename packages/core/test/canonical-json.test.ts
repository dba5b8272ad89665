/**
 * `canonicalJson` takes a fast path for JSON-shaped values and leaves everything else to the
 * `canonicalize` package: either way the text must be the one that package gives (every hash in
 * every stored trail depends on it).
 */
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../src/index';
import { commitmentForm } from '../src/trail/hash-chain';
import { anyTrailArbitrary } from './arbitraries';

/** The package's answer, or the fact that it threw (canonicalJson must then throw too). */
function reference(value: unknown): string | 'throws' {
  try {
    const text = canonicalize(value);
    return text === undefined ? 'throws' : text;
  } catch {
    return 'throws';
  }
}

function expectSameText(value: unknown): void {
  const expected = reference(value);
  if (expected === 'throws') expect(() => canonicalJson(value)).toThrow();
  else expect(canonicalJson(value)).toBe(expected);
}

describe('canonical JSON (properties)', () => {
  it('gives the canonicalize text for any JSON value, keys in any order and any script', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => expectSameText(value)), { numRuns: 1000 });
    fc.assert(fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.string({ unit: 'binary' }), fc.double(), fc.integer())), (value) => expectSameText(value)), { numRuns: 500 });
  });

  it('gives the canonicalize text (or throws as it does) for anything else: undefined, holes, toJSON, NaN, class instances, null prototypes', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true, withBigInt: true }),
        (value) => expectSameText(value),
      ),
      { numRuns: 1000 },
    );
    for (const value of [{ toJSON: () => ({ b: 1, a: 2 }) }, [1, undefined, () => 1], { a: undefined, b: Symbol('s') }, { nested: { deeper: { toJSON: () => 'x' } } }, Number.NaN, -0, { '10': 1, '9': 2, a: 3 }, ['"', '\\', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udc00x', '😀', '/', 'é'], [1e21, -1e-7, 0.1 + 0.2, -0, 2 ** 53 + 2]]) {
      expectSameText(value);
    }
  });

  it('chains trails as before: each hash is the SHA-256 of the reference text of the commitment form', () => {
    fc.assert(
      fc.property(anyTrailArbitrary({ minEvents: 1, maxEvents: 4 }), (trail) => {
        for (const event of trail.events) {
          expect(canonicalJson(event)).toBe(canonicalize(event));
          const form = commitmentForm(event);
          expect(typeof form).toBe('object');
          expect(createHash('sha256').update(canonicalize(form)!, 'utf8').digest('hex')).toBe(event.hash);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('hashes text as UTF-8, lone surrogates as U+FFFD, as createHash does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
      }),
      { numRuns: 500 },
    );
  });
});
