import { runSecretsSuite } from '@optintrail/adapter-test/secrets-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailchimpAdapter } from '../src/index';
import { startMailchimpEmulator, type MailchimpEmulator } from '../src/testing/index';

// Distinctive API keys (32 hex digits and the datacenter, as Mailchimp issues them).
const VALID = '5e8c0f4a9b2d71c3e6f0a8b4d2c9e713-us1';
const WRONG = 'a41f7c2e9d0b83f5c6e1d7a09b4f2c58-us1';

let emulator: MailchimpEmulator;
let listId: string;
beforeAll(async () => {
  emulator = await startMailchimpEmulator({ apiKey: VALID, batchProcessingDelayMs: 5 });
  listId = emulator.createList('Secrets audience');
});
afterAll(() => emulator.close());

describe('mailchimp keeps its API key to itself', () => {
  it('puts no piece of a key in errors, failures, progress, console output or any recorded call', { timeout: 60_000 }, async () => {
    const result = await runSecretsSuite({
      name: 'mailchimp',
      secrets: [VALID, WRONG],
      createAdapter: (secret, { retry }) => createMailchimpAdapter({ apiKey: secret === 'valid' ? VALID : WRONG, baseUrl: emulator.url, listId, retry, timeoutMs: 2_000, batchPollIntervalMs: 5 }),
      faults: emulator.faults,
      get calls() {
        return emulator.calls;
      },
      reset() {
        emulator.reset();
        listId = emulator.state.listIds()[0]!;
      },
    });
    expect(result.leaks).toEqual([]);
    expect(result.searched.errors).toBeGreaterThan(0);
    expect(result.searched.failures).toBeGreaterThan(0);
    expect(result.searched.progressEvents).toBeGreaterThan(0);
    expect(result.searched.calls).toBeGreaterThan(10);
  });
});
