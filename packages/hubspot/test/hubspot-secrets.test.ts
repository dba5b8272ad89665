import { runSecretsSuite } from '@optintrail/adapter-test/secrets-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubSpotAdapter } from '../src/index';
import { startHubSpotEmulator, type HubSpotEmulator } from '../src/testing/index';

// Distinctive private app tokens (the shape HubSpot issues), so any piece of one is recognisable.
const VALID = 'pat-eu1-7c1d5e2a-90b4-4f3a-a8d6-2b9e0c4f7a15';
const WRONG = 'pat-na1-e3b0c442-98fc-41c1-9afb-f4c8996fb924';

let emulator: HubSpotEmulator;
beforeAll(async () => {
  emulator = await startHubSpotEmulator({ rateLimit: false, accessTokens: [VALID] });
});
afterAll(() => emulator.close());

describe('hubspot keeps its access token to itself', () => {
  it('puts no piece of a token in errors, failures, progress, console output or any recorded call', { timeout: 60_000 }, async () => {
    const result = await runSecretsSuite({
      name: 'hubspot',
      secrets: [VALID, WRONG],
      createAdapter: (secret, { retry }) => createHubSpotAdapter({ accessToken: secret === 'valid' ? VALID : WRONG, basePath: emulator.url, rateLimit: false, retry, timeoutMs: 2_000 }),
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
