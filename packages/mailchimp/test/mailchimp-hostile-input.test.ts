import { runBadInputPush } from '@optintrail/adapter-test/bad-input-suite';
import { envNumber } from '@optintrail/adapter-test/fault-suite';
import { runTamperSuite } from '@optintrail/adapter-test/tamper-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailchimpFaultTarget, type MailchimpFaultTarget } from './mailchimp-fault-target';

let target: MailchimpFaultTarget;
beforeAll(async () => {
  target = await createMailchimpFaultTarget();
});
afterAll(() => target.close());

describe('mailchimp with hostile input and tampered storage', () => {
  it('refuses every bad trail with a reason and writes nothing of it, next to good trails that are stored whole (corpus and fast-check)', { timeout: 120_000 }, async () => {
    const result = await runBadInputPush(target, { seed: envNumber('FAULT_SEED', 3) });
    expect(result.problems).toEqual([]);
    expect(result.failures.length).toBeGreaterThan(10);
    expect(result.fuzz.refused).toBeGreaterThan(0);
  });

  it('names the first bad event when a note, a date, the order or the recorded head was changed in Mailchimp', { timeout: 120_000 }, async () => {
    const result = await runTamperSuite(target);
    expect(result.problems).toEqual([]);
  });
});
