import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compositeBatchSizeFor, peekTrails } from '../src/salesforce-batch-size';
import { MAX_SOQL_LENGTH } from '../src/salesforce-queries';

const addresses = (count: number, length: number) => Array.from({ length: count }, (_, index) => `${String(index).padStart(length - 12, 'a')}@example.org`);

describe('Composite batch size', () => {
  it('keeps 7,000 for addresses of up to 31 characters and shrinks to 5,000 at 45', () => {
    expect(compositeBatchSizeFor(addresses(1000, 25), 7000)).toBe(7000);
    expect(compositeBatchSizeFor(addresses(1000, 31), 7000)).toBe(7000);
    expect(compositeBatchSizeFor(addresses(1000, 45), 7000)).toBe(5000);
    expect(compositeBatchSizeFor([], 7000)).toBe(7000);
  });

  it('chooses a batch whose read needs the fewest calls per subject, never more than the maximum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 14, max: 250 }), fc.integer({ min: 1, max: 9 }), (length, thousands) => {
        const max = thousands * 1000;
        const size = compositeBatchSizeFor(addresses(200, length), max);
        expect(size % 1000).toBe(0);
        expect(size).toBeGreaterThanOrEqual(1000);
        expect(size).toBeLessThanOrEqual(max);
        // The read of one batch: queries of at most 100,000 characters, five per call.
        const perQuery = Math.floor((MAX_SOQL_LENGTH - 400) / (2 * (length + 4)));
        const readCalls = (batch: number) => Math.ceil(Math.ceil(batch / perQuery) / 5);
        for (let other = 1000; other <= max; other += 1000) expect(readCalls(size) / size).toBeLessThanOrEqual(readCalls(other) / other + 1e-12);
      }),
      { numRuns: 200 },
    );
  });
});

describe('peekTrails', () => {
  it('gives back every item, the peeked ones first, from sync and async sources', async () => {
    const items = Array.from({ length: 5 }, (_, index) => ({ subject: `s${index}@example.org`, events: [] }));
    for (const source of [items, (async function* () { yield* items; })()]) {
      const { sample, all } = await peekTrails(source, 3);
      expect(sample).toEqual(items.slice(0, 3));
      const seen = [];
      for await (const item of all) seen.push(item);
      expect(seen).toEqual(items);
    }
    const short = await peekTrails(items.slice(0, 2), 3);
    expect(short.sample).toHaveLength(2);
  });

  it('releases the source when the push stops early', async () => {
    let released = false;
    const source = (async function* () {
      try {
        for (let index = 0; ; index += 1) yield { subject: `s${index}@example.org`, events: [] };
      } finally {
        released = true;
      }
    })();
    const { all } = await peekTrails(source, 2);
    const iterator = all[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.return?.(undefined);
    expect(released).toBe(true);
  });
});
