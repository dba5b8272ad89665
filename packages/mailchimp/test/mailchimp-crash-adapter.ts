/** The adapter the crash suite's child process builds (see @optintrail/adapter-test/crash-suite). */
import type { CrmAdapter } from '@optintrail/core';
import { createMailchimpAdapter } from '../src/index';

export function createCrashAdapter(url: string): CrmAdapter {
  const batchOperations = process.env['CRASH_MAILCHIMP_BATCHES'] === 'never' ? 'never' : 'always';
  // Small push batches let later batches of a push run in create-first mode (new members created already marked pending).
  const batchSize = process.env['CRASH_MAILCHIMP_BATCH_SIZE'] ? Number(process.env['CRASH_MAILCHIMP_BATCH_SIZE']) : undefined;
  return createMailchimpAdapter({ apiKey: 'crash-suite-key-us1', baseUrl: url, listId: process.env['CRASH_MAILCHIMP_LIST']!, batchOperations, batchPollIntervalMs: 5, ...(batchSize ? { batchSize } : {}) });
}
