import { generateFaultTrails, trailPrefixes } from '@optintrail/adapter-test/fault-suite';
import { checkCalls, withoutKnownDivergences } from '@optintrail/adapter-test/spec-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailchimpAdapter } from '../src/index';
import { startMailchimpEmulator, type MailchimpEmulator } from '../src/testing/index';
import { MAILCHIMP_COMPONENTS, MAILCHIMP_ENDPOINTS, MAILCHIMP_KNOWN_DIVERGENCES } from './spec-shapes/mailchimp-spec-shapes';

// Every call of a full cycle (schema, pushes one call per note and event and through /batches,
// appends, per-member refusals, an interrupted write read back, pulls, erase, 429 and 5xx) checked
// against Mailchimp's documented shapes: what the adapter sends and what the emulator answers.
const KEY = 'spec-key-us1';
let emulator: MailchimpEmulator;
let listId: string;
beforeAll(async () => {
  emulator = await startMailchimpEmulator({ apiKey: KEY, batchProcessingDelayMs: 5 });
  listId = emulator.createList('Spec audience');
});
afterAll(() => emulator.close());

describe('mailchimp requests and emulator answers match Mailchimp\'s documented shapes', () => {
  it('checks every recorded call of a full sync cycle', { timeout: 120_000 }, async () => {
    const trails = generateFaultTrails({ count: 80, seed: 19, prefix: 'mailchimp-spec' });
    const direct = createMailchimpAdapter({ apiKey: KEY, baseUrl: emulator.url, listId, batchOperations: 'never', retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    const batched = createMailchimpAdapter({ apiKey: KEY, baseUrl: emulator.url, listId, batchOperations: 'always', batchPollIntervalMs: 5, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    await direct.push(trailPrefixes(trails.slice(0, 40), 19));
    await batched.push(trailPrefixes(trails.slice(40), 19));
    // Per-member refusals in batch subscribe, and failed operations that are read back.
    emulator.faults.set({ partialFailure: 0.15, seed: 2 });
    await batched.push(trails.slice(40));
    emulator.faults.set({ serverError: 0.2, paths: [/\/events$/], seed: 3 });
    await direct.push(trails.slice(0, 40));
    emulator.faults.set({});
    await direct.push(trails);
    emulator.faults.failNext('rate-limit', 'server-error');
    for (const trail of trails.slice(0, 5)) await direct.pull({ email: trail.subject });
    await direct.pull({ email: 'nobody@spec.example.org' });
    await direct.erase({ email: trails[1]!.subject }, { requestedAt: '2024-01-02T00:00:00Z' });

    const result = checkCalls(emulator.calls, MAILCHIMP_ENDPOINTS, MAILCHIMP_COMPONENTS);
    const { unexplained, stale } = withoutKnownDivergences(result.problems, MAILCHIMP_KNOWN_DIVERGENCES);
    expect(unexplained).toEqual([]);
    expect(stale).toEqual([]);
    expect(MAILCHIMP_ENDPOINTS.map((endpoint) => endpoint.name).filter((name) => !result.exercised[name])).toEqual([]);
    expect(Object.values(result.statuses).flat()).toEqual(expect.arrayContaining([404, 429, 500]));
  });

  it('flags a body that is not the documented shape (the checker itself)', () => {
    const result = checkCalls(
      [{ method: 'POST', path: `/3.0/lists/abc/members/${'0'.repeat(32)}/events`, status: 204, requestBodyJson: { name: 'x', properties: { n: 1 } }, responseBodyJson: undefined }],
      MAILCHIMP_ENDPOINTS,
      MAILCHIMP_COMPONENTS,
    );
    expect(result.problems.join('\n')).toMatch(/request\.name: shorter than 2/);
    expect(result.problems.join('\n')).toMatch(/request\.properties\.n: number where a string is documented/);
  });
});
