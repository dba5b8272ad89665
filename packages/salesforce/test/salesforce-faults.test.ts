import { faultSyncOptionsFromEnvironment, formatFaultSyncResult, runFaultSync } from '@optintrail/adapter-test/fault-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesforceFaultTarget, salesforceFaultOptions, salesforceLostAnswerOptions, type SalesforceFaultTarget } from './salesforce-fault-target';

// FAULT_SCALE, FAULT_RATE and FAULT_SEED scale these runs; `npm run soak` runs them far larger.
let target: SalesforceFaultTarget;
beforeAll(async () => {
  target = await createSalesforceFaultTarget();
});
afterAll(() => target.close());

describe('salesforce under faults', () => {
  it('stores every event exactly once and pulls every trail back while calls fail', { timeout: 240_000 }, async () => {
    const result = await runFaultSync(target, faultSyncOptionsFromEnvironment(salesforceFaultOptions));
    console.info(formatFaultSyncResult(result));
    expect(result.problems).toEqual([]);
    expect(result.duplicates).toBe(0);
    expect(result.lost).toBe(0);
  });

  it('stores every event exactly once when answers are lost after Salesforce stored them (answers slower than the client waits)', { timeout: 240_000 }, async () => {
    const result = await runFaultSync(target, faultSyncOptionsFromEnvironment(salesforceLostAnswerOptions));
    console.info(formatFaultSyncResult(result));
    expect(result.answersLost).toBeGreaterThan(0);
    expect(result.problems).toEqual([]);
  });
});
