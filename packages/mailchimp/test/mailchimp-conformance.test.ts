import { runAdapterConformance } from '@optintrail/adapter-test';
import { afterAll, beforeAll } from 'vitest';
import { createMailchimpAdapter } from '../src/mailchimp-adapter';
import { DEFAULT_MAILCHIMP_TAGS } from '../src/mailchimp-summary-tags';
import { startMailchimpEmulator, type MailchimpEmulator } from '../src/testing';
import { readBackend, storedEvents } from './mailchimp-test-backend';

let emulator: MailchimpEmulator;
let listId: string;
beforeAll(async () => {
  emulator = await startMailchimpEmulator({ apiKey: 'conformance-key-us1', batchProcessingDelayMs: 5 });
  listId = emulator.createList('Conformance audience');
});
afterAll(() => emulator.close());

for (const batchOperations of ['never', 'always'] as const) {
  runAdapterConformance({
    name: `mailchimp (${batchOperations === 'never' ? 'one call per note and event' : 'batch operations'})`,
    adapter: () => createMailchimpAdapter({ apiKey: 'conformance-key-us1', baseUrl: emulator.url, listId, batchOperations, batchPollIntervalMs: 5 }),
    backend: {
      reset: () => emulator.reset(),
      hasContact: (email) => emulator.state.member(listId, email) !== null,
      summary: (email) => readBackend(emulator, listId).summary(email, DEFAULT_MAILCHIMP_TAGS),
      timelineEntryCount: (email) => emulator.state.events(listId, email).filter((event) => event.name.startsWith('ot_')).length,
      tamperWithStoredEvent: (email) => {
        // Re-encode the first event with another source name, as someone editing the note with the codec would.
        const [first] = storedEvents(emulator, listId, email);
        readBackend(emulator, listId).editEvent(email, first!.id, (event) => ({ ...event, source: { ...event.source, name: 'Forged source' } }));
      },
      deleteStoredEvent: (email) => {
        const [first] = storedEvents(emulator, listId, email);
        readBackend(emulator, listId).removeEvent(email, first!.id);
      },
    },
  });
}
