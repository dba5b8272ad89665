import { decodeTimelineEntry, type ProvenanceEvent } from '@optintrail/core';
import type { HubSpotEmulator } from '@optintrail/hubspot/testing';

/**
 * The events the HubSpot account holds for an address, read from the emulator's backend (the notes
 * on the contact), not through the adapter or the page.
 */
export function storedEvents(emulator: HubSpotEmulator, email: string): ProvenanceEvent[] {
  const contact = emulator.state.contactByEmail(email);
  if (!contact) return [];
  return emulator.state.notesForContact(contact.id).map((note) => decodeTimelineEntry(note.properties['hs_note_body'] ?? ''));
}
