/// <reference path="../../mailchimp/src/mailchimp-sdk-modules.d.ts" />
/**
 * `npm run soak`: the fault suite of every adapter with larger numbers (SOAK_SCALE times the CI
 * trails, default 10; FAULT_RATE and FAULT_SEED apply as in the tests). Prints, per CRM, the events
 * written, duplicates, lost events and the faults injected; exits non-zero on any problem.
 */
import { envNumber, formatFaultSyncResult, runFaultSync, type FaultSyncOptions, type FaultTarget } from '../src/fault-suite';
import { createHubSpotFaultTarget, hubSpotFaultOptions, hubSpotLostAnswerOptions } from '../../hubspot/test/hubspot-fault-target';
import { createMailchimpFaultTarget, mailchimpFaultOptions, mailchimpLostAnswerOptions } from '../../mailchimp/test/mailchimp-fault-target';
import { createSalesforceFaultTarget, salesforceFaultOptions, salesforceLostAnswerOptions } from '../../salesforce/test/salesforce-fault-target';

const scale = envNumber('SOAK_SCALE', 10);
const rateScale = envNumber('FAULT_RATE', 1);
const seed = envNumber('FAULT_SEED', 0);

function scaled(options: FaultSyncOptions, factor: number): FaultSyncOptions {
  const rates = { ...options.rates };
  for (const key of ['rateLimit', 'serverError', 'dropConnection', 'timeout', 'partialFailure'] as const) rates[key] = Math.min(0.5, rates[key] * rateScale);
  return { ...options, trails: Math.round(options.trails * factor), rates, ...(seed ? { seed } : {}), pullsUnderFaults: Math.round((options.pullsUnderFaults ?? 200) * factor) };
}

const crms: Array<{ create: () => Promise<FaultTarget & { close(): Promise<void> }>; storm: FaultSyncOptions; lostAnswers: FaultSyncOptions }> = [
  { create: createHubSpotFaultTarget, storm: hubSpotFaultOptions, lostAnswers: hubSpotLostAnswerOptions },
  { create: createMailchimpFaultTarget, storm: mailchimpFaultOptions, lostAnswers: mailchimpLostAnswerOptions },
  { create: createSalesforceFaultTarget, storm: salesforceFaultOptions, lostAnswers: salesforceLostAnswerOptions },
];

let failed = false;
console.info(`Soak: ${scale}× the CI trails, fault rates ×${rateScale}${seed ? `, seed ${seed}` : ''}\n`);
for (const crm of crms) {
  const target = await crm.create();
  try {
    for (const [label, options] of [['faults', scaled(crm.storm, scale)], ['answers lost after the write', scaled(crm.lostAnswers, Math.max(1, scale / 2))]] as const) {
      const result = await runFaultSync(target, options);
      console.info(`[${label}] ${formatFaultSyncResult(result)}\n`);
      if (result.problems.length > 0 || result.duplicates > 0 || result.lost > 0) failed = true;
    }
  } finally {
    await target.close();
  }
}
console.info(failed ? 'Soak FAILED: see the problems above.' : 'Soak passed: every event stored exactly once in every CRM.');
process.exit(failed ? 1 : 0);
