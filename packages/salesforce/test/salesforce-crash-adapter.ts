/** The adapter the crash suite's child process builds (see @optintrail/adapter-test/crash-suite). */
import type { CrmAdapter } from '@optintrail/core';
import { createSalesforceAdapter } from '../src/index';

export function createCrashAdapter(url: string): CrmAdapter {
  const transport = process.env['CRASH_SALESFORCE_TRANSPORT'] === 'collections' ? 'collections' : 'auto';
  return createSalesforceAdapter({ instanceUrl: url, accessToken: 'crash-suite-session', transport });
}
