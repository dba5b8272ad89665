import { faultSyncOptionsFromEnvironment, formatFaultSyncResult, runFaultSync } from '@optintrail/adapter-test/fault-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailchimpFaultTarget, mailchimpFaultOptions, mailchimpLostAnswerOptions, type MailchimpFaultTarget } from './mailchimp-fault-target';

// FAULT_SCALE, FAULT_RATE and FAULT_SEED scale these runs; `npm run soak` runs them far larger.
let target: MailchimpFaultTarget;
beforeAll(async () => {
  target = await createMailchimpFaultTarget();
});
afterAll(() => target.close());

describe('mailchimp under faults', () => {
  it('stores every event exactly once and pulls every trail back while calls fail', { timeout: 240_000 }, async () => {
    const result = await runFaultSync(target, faultSyncOptionsFromEnvironment(mailchimpFaultOptions));
    console.info(formatFaultSyncResult(result));
    expect(result.problems).toEqual([]);
    expect(result.duplicates).toBe(0);
    expect(result.lost).toBe(0);
  });

  it('stores every event exactly once when answers are lost after Mailchimp stored them (answers slower than the client waits)', { timeout: 240_000 }, async () => {
    const result = await runFaultSync(target, faultSyncOptionsFromEnvironment(mailchimpLostAnswerOptions));
    console.info(formatFaultSyncResult(result));
    expect(result.answersLost).toBeGreaterThan(0);
    expect(result.problems).toEqual([]);
  });
});
