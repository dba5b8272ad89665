import { runAdapterConformance } from '@optintrail/adapter-test';
import { embedPayload, extractPayload, PAYLOAD_MARKER, type SummaryFieldKey } from '@optintrail/core';
import { afterAll, beforeAll } from 'vitest';
import { createHubSpotAdapter, readPropertyValue, summaryProperties, DEFAULT_PROPERTY_NAMING } from '../src/index';
import { startHubSpotEmulator, type HubSpotEmulator } from '../src/testing/index';

// The emulator keeps HubSpot's default budget (190 per 10 s) and the adapter its default pacing:
// the suite runs the adapter exactly as a user would, against the real SDK.
let emulator: HubSpotEmulator;
beforeAll(async () => {
  emulator = await startHubSpotEmulator();
});
afterAll(() => emulator.close());

const properties = summaryProperties(DEFAULT_PROPERTY_NAMING, ['consentStatus', 'trailHead', 'trailLength', 'consentSince'] satisfies SummaryFieldKey[]);

/** OptinTrail's notes on a contact, oldest first, read straight from the emulator's store. */
function storedNotes(email: string) {
  const contact = emulator.state.contactByEmail(email);
  if (!contact) return [];
  return emulator.state.notesForContact(contact.id).filter((note) => (note.properties['hs_note_body'] ?? '').includes(PAYLOAD_MARKER));
}

runAdapterConformance({
  name: 'hubspot',
  adapter: () => createHubSpotAdapter({ accessToken: 'test-token', basePath: emulator.url }),
  backend: {
    reset: () => emulator.reset(),
    hasContact: (email) => emulator.state.contactByEmail(email) !== null,
    summary(email) {
      const contact = emulator.state.contactByEmail(email);
      if (!contact) return null;
      return Object.fromEntries(properties.map((property) => [property.key, readPropertyValue(property, contact.properties[property.name])]));
    },
    timelineEntryCount: (email) => storedNotes(email).length,
    tamperWithStoredEvent(email) {
      // A careful forger: the edited event is re-encoded, so the note still decodes and only the hash chain can tell.
      const note = storedNotes(email)[1]!;
      const event = JSON.parse(extractPayload(note.properties['hs_note_body']!)!);
      event.source.name = 'A trade show that never happened';
      emulator.state.updateNoteBody(note.id, embedPayload('<p>Edited in HubSpot</p>', JSON.stringify(event)));
    },
    deleteStoredEvent(email) {
      emulator.state.deleteNote(storedNotes(email)[0]!.id);
    },
  },
});
