import { runRightsConformance } from '@optintrail/adapter-test';
import { afterAll, beforeAll } from 'vitest';
import { createMailchimpAdapter } from '../src/mailchimp-adapter';
import { startMailchimpEmulator, type MailchimpEmulator } from '../src/testing';
import { storedEvents } from './mailchimp-test-backend';

// The data subject rights (access, rectification, erasure with suppression), checked through the
// emulator's own state: merge fields, member notes and the addresses erased with delete-permanent.
let emulator: MailchimpEmulator;
let listId: string;
beforeAll(async () => {
  emulator = await startMailchimpEmulator({ apiKey: 'rights-key-us1', batchProcessingDelayMs: 5 });
  listId = emulator.createList('Rights audience');
});
afterAll(() => emulator.close());

/** The adapter's default data fields: neutral name → merge tag. */
const MERGE_TAGS: Record<string, string> = { firstName: 'FNAME', lastName: 'LNAME' };

runRightsConformance({
  name: 'mailchimp',
  label: 'Mailchimp',
  adapter: () => createMailchimpAdapter({ apiKey: 'rights-key-us1', baseUrl: emulator.url, listId, batchPollIntervalMs: 5 }),
  backend: {
    reset: () => emulator.reset(),
    hasContact: (email) => emulator.state.member(listId, email) !== null,
    fieldValue(email, field) {
      const value = emulator.state.member(listId, email)?.merge_fields[MERGE_TAGS[field] ?? field];
      return typeof value === 'string' ? value : null;
    },
    storedEvents: (email) => storedEvents(emulator, listId, email),
    erasedByCrm: (email) => emulator.state.isForgotten(listId, email) && emulator.state.member(listId, email) === null,
    requestCount: () => emulator.calls.length,
  },
});
