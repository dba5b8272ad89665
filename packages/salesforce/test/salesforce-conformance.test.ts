import { runAdapterConformance } from '@optintrail/adapter-test';
import { SUMMARY_FIELD_KEYS } from '@optintrail/core';
import { afterAll, beforeAll } from 'vitest';
import { createSalesforceAdapter, salesforceSchemaNames } from '../src';
import { startSalesforceEmulator, type SalesforceEmulator, type SalesforceRecord } from '../src/testing';

// The shared suite, through jsforce and the emulator; what was written is read back through the
// emulator's own state, never through the adapter.

let emulator: SalesforceEmulator;
const names = salesforceSchemaNames();

beforeAll(async () => {
  emulator = await startSalesforceEmulator();
});
afterAll(() => emulator.close());

function events(email: string): SalesforceRecord[] {
  const contact = emulator.state.contactByEmail(email);
  if (!contact) return [];
  return emulator.state.records(names.eventObject).filter((row) => row[names.event.parent] === contact.Id);
}

runAdapterConformance({
  name: 'salesforce',
  adapter: () => createSalesforceAdapter({ instanceUrl: emulator.url, accessToken: 'test-session-id' }),
  backend: {
    reset: () => emulator.reset(),
    hasContact: (email) => emulator.state.contactByEmail(email) !== null,
    summary(email) {
      const contact = emulator.state.contactByEmail(email);
      if (!contact) return null;
      return Object.fromEntries(SUMMARY_FIELD_KEYS.map((key) => [key, contact[names.summary[key]] === null || contact[names.summary[key]] === undefined ? null : String(contact[names.summary[key]])]));
    },
    timelineEntryCount: (email) => events(email).length,
    tamperWithStoredEvent(email) {
      const stored = events(email)[1]!;
      const payload = JSON.parse(String(stored[names.event.payload])) as { source: { name: string } };
      payload.source.name = 'A trade show we never attended';
      emulator.state.updateRecord(names.eventObject, stored.Id, { [names.event.payload]: JSON.stringify(payload) });
    },
    deleteStoredEvent(email) {
      const first = events(email).find((row) => (JSON.parse(String(row[names.event.payload])) as { prev: string | null }).prev === null)!;
      emulator.state.deleteRecord(names.eventObject, first.Id);
    },
  },
});
