import { runSecretsSuite } from '@optintrail/adapter-test/secrets-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesforceAdapter } from '../src/index';
import { startSalesforceEmulator, type SalesforceEmulator } from '../src/testing/index';

// Distinctive session ids (org id, "!", then the token, as Salesforce issues them).
const VALID = '00D5g000004Xyz1!AQ4AQHn7Lp2qR8sT3uV9wXa1bC4dE6fG0hJ5kM7nP';
const WRONG = '00D5g000004Xyz1!AQ4AQFf9Kk1jJ2hH3gG4fF5dD6sS7aA8qQ9wW0eE';

let emulator: SalesforceEmulator;
beforeAll(async () => {
  emulator = await startSalesforceEmulator({ accessTokens: [VALID] });
});
afterAll(() => emulator.close());

describe('salesforce keeps its session id to itself', () => {
  it('puts no piece of a session id in errors, failures, progress, console output or any recorded call', { timeout: 60_000 }, async () => {
    const result = await runSecretsSuite({
      name: 'salesforce',
      // The org id prefix is not secret (it is in every record id); the token after "!" is.
      secrets: [VALID.split('!')[1]!, WRONG.split('!')[1]!],
      createAdapter: (secret, { retry }) => createSalesforceAdapter({ instanceUrl: emulator.url, accessToken: secret === 'valid' ? VALID : WRONG, retry, timeoutMs: 2_000 }),
      faults: emulator.faults,
      get calls() {
        return emulator.calls;
      },
      reset: () => emulator.reset(),
    });
    expect(result.leaks).toEqual([]);
    expect(result.searched.errors).toBeGreaterThan(0);
    expect(result.searched.failures).toBeGreaterThan(0);
    expect(result.searched.progressEvents).toBeGreaterThan(0);
    expect(result.searched.calls).toBeGreaterThan(10);
  });
});
