import type { Trail } from '@optintrail/core';
import { MAX_SOQL_LENGTH } from './salesforce-queries';

/** Queries (and Collections) one Composite call may hold. */
const COMPOSITE_QUERIES = 5;
/** The part of a batch's read statement that is not the address lists (fields, FROM, ORDER BY…). */
const STATEMENT_OVERHEAD = 400;
/** Batches are whole thousands: 1,000 contacts with 3 events each fill exactly 4 Composite calls. */
const STEP = 1_000;

/**
 * The Composite batch size for addresses like these: the multiple of 1,000 (up to `max`) whose read
 * takes the fewest Composite calls per subject. A batch's read lists each address twice (subject key
 * IN (…) OR Email IN (…)), 2 × (L + 4) characters for an address of L, in queries of at most 100,000
 * characters, five per call. With addresses of up to 31 characters 7,000 take one read call; at 45,
 * 5,000 do (21 calls per 5,000 instead of 30 per 7,000). Sized on the 95th percentile of the sample,
 * so a longer address now and then costs at most a second read call, never a failure.
 */
export function compositeBatchSizeFor(subjects: readonly string[], max: number): number {
  if (subjects.length === 0) return max;
  const lengths = subjects.map((subject) => subject.length).sort((a, b) => a - b);
  const typical = lengths[Math.min(lengths.length - 1, Math.floor(lengths.length * 0.95))]!;
  const perQuery = Math.max(1, Math.floor((MAX_SOQL_LENGTH - STATEMENT_OVERHEAD) / (2 * (typical + 4))));
  let best = Math.min(STEP, max);
  let bestCost = Number.POSITIVE_INFINITY;
  for (let size = Math.min(STEP, max); size <= max; size += STEP) {
    const readCalls = Math.ceil(Math.ceil(size / perQuery) / COMPOSITE_QUERIES);
    const cost = readCalls / size;
    // Ties go to the larger batch (fewer rounds).
    if (cost <= bestCost) [best, bestCost] = [size, cost];
  }
  return best;
}

/**
 * Reads the first `count` trails of a push to size its batches, and gives back an iterable of the
 * whole input, those first trails included. Stopping it early releases the source.
 */
export async function peekTrails(
  source: AsyncIterable<Trail> | Iterable<Trail>,
  count: number,
): Promise<{ sample: unknown[]; all: AsyncIterable<Trail> }> {
  const iterator: AsyncIterator<Trail> | Iterator<Trail> =
    Symbol.asyncIterator in source ? (source as AsyncIterable<Trail>)[Symbol.asyncIterator]() : (source as Iterable<Trail>)[Symbol.iterator]();
  const sample: Trail[] = [];
  let exhausted = false;
  while (sample.length < count) {
    const next = await iterator.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    sample.push(next.value);
  }
  async function* all(): AsyncGenerator<Trail> {
    try {
      yield* sample;
      if (exhausted) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      if (!exhausted) await iterator.return?.();
    }
  }
  return { sample, all: all() };
}
