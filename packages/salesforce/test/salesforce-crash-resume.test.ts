import { runCrashResume, type CrashTarget } from '@optintrail/adapter-test/crash-suite';
import { envNumber } from '@optintrail/adapter-test/fault-suite';
import { decodeTimelineEntry, SUMMARY_FIELD_KEYS } from '@optintrail/core';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesforceSchemaNames } from '../src/index';
import { startSalesforceEmulator, type SalesforceEmulator } from '../src/testing/index';

// The org lives in this process; the sync runs in a child that is killed with SIGKILL.
let emulator: SalesforceEmulator;
const names = salesforceSchemaNames();
beforeAll(async () => {
  emulator = await startSalesforceEmulator();
});
afterAll(() => emulator.close());

/** Every Contact's summary fields, its event records (sorted, duplicates kept) and its consent record. */
function snapshot() {
  const events = new Map<string, string[]>();
  for (const row of emulator.state.records(names.eventObject)) {
    const parent = String(row[names.event.parent]);
    events.set(parent, [...(events.get(parent) ?? []), decodeTimelineEntry(String(row[names.event.payload])).id]);
  }
  const consents = new Map(emulator.state.records('ContactPointTypeConsent').map((row) => [String(row[names.consentKey]), row['PrivacyConsentStatus']]));
  const contacts: Record<string, unknown> = {};
  for (const contact of emulator.state.records('Contact')) {
    const summary = Object.fromEntries(SUMMARY_FIELD_KEYS.map((key) => [key, contact[names.summary[key]] ?? null]));
    contacts[String(contact['Email'])] = { summary, events: (events.get(contact.Id) ?? []).sort() };
  }
  return { contacts, consents: Object.fromEntries([...consents].sort()), individuals: emulator.state.records('Individual').length };
}

function target(transport: string): CrashTarget {
  process.env['CRASH_SALESFORCE_TRANSPORT'] = transport;
  return {
    name: `salesforce-${transport}`,
    url: emulator.url,
    adapterModule: fileURLToPath(new URL('./salesforce-crash-adapter.ts', import.meta.url)),
    faults: emulator.faults,
    reset: () => emulator.reset(),
    snapshot,
  };
}

describe('salesforce sync killed and resumed', () => {
  for (const transport of ['auto', 'collections']) {
    it(`ends identical to an uninterrupted sync, nothing twice (${transport})`, { timeout: 300_000 }, async () => {
      const kills = envNumber('CRASH_KILLS', 3);
      const result = await runCrashResume(target(transport), { trails: envNumber('CRASH_TRAILS', 150), seed: envNumber('FAULT_SEED', 6), killsPerPhase: kills });
      expect(result.problems).toEqual([]);
      expect(result.differences).toEqual([]);
      // Each phase was killed (up to `kills` times: a kill drawn past a resumed run's last request lets it finish).
      expect(result.killsByPhase.every((count) => count >= 1)).toBe(true);
    });
  }
});
