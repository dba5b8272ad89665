import { runBadInputPush } from '@optintrail/adapter-test/bad-input-suite';
import { envNumber } from '@optintrail/adapter-test/fault-suite';
import { runTamperSuite } from '@optintrail/adapter-test/tamper-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubSpotFaultTarget, type HubSpotFaultTarget } from './hubspot-fault-target';

let target: HubSpotFaultTarget;
beforeAll(async () => {
  target = await createHubSpotFaultTarget();
});
afterAll(() => target.close());

describe('hubspot with hostile input and tampered storage', () => {
  it('refuses every bad trail with a reason and writes nothing of it, next to good trails that are stored whole (corpus and fast-check)', { timeout: 120_000 }, async () => {
    const result = await runBadInputPush(target, { seed: envNumber('FAULT_SEED', 3) });
    expect(result.problems).toEqual([]);
    expect(result.failures.length).toBeGreaterThan(10);
    expect(result.fuzz.refused).toBeGreaterThan(0);
  });

  it('names the first bad event when a note, a date, the order or the recorded head was changed in HubSpot', { timeout: 120_000 }, async () => {
    const result = await runTamperSuite(target);
    expect(result.problems).toEqual([]);
  });
});
