/** The adapter the crash suite's child process builds (see @optintrail/adapter-test/crash-suite). */
import type { CrmAdapter } from '@optintrail/core';
import { createHubSpotAdapter } from '../src/index';

export function createCrashAdapter(url: string): CrmAdapter {
  const strategy = process.env['CRASH_HUBSPOT_STRATEGY'] === 'read-first' ? 'read-first' : 'upsert-first';
  return createHubSpotAdapter({ accessToken: 'crash-suite-token', basePath: url, rateLimit: false, strategy });
}
