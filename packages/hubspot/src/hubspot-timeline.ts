import { chunk, type ProvenanceEvent } from '@optintrail/core';
import type { HubSpotConnection } from './hubspot-client';
import { failOnUnreadInputs } from './hubspot-batch-read';
import { readNote } from './hubspot-notes';

/** HubSpot's batch size for CRM object batch calls (FACTS.md: 100 inputs). */
export const HUBSPOT_BATCH_SIZE = 100;
const ASSOCIATION_PAGE = 500;

/** The OptinTrail events found on one contact's timeline. */
export interface ContactTimeline {
  /** Decoded events, with the note each came from, in no particular order. */
  events: Array<{ event: ProvenanceEvent; noteId: string }>;
  /** Notes whose OptinTrail marker no longer decodes (edited in HubSpot). */
  damaged: Array<{ noteId: string; eventId: string | undefined; reason: string }>;
  /** Every note associated with the contact, OptinTrail's or not. */
  noteCount: number;
}

/** Note ids associated with each contact (v4 associations, batch read; pages beyond the first read one contact at a time). */
export async function associatedNoteIds(connection: HubSpotConnection, contactIds: readonly string[]): Promise<Map<string, string[]>> {
  const notes = new Map<string, string[]>(contactIds.map((id) => [id, []]));
  for (const part of chunk([...contactIds], HUBSPOT_BATCH_SIZE)) {
    const response = await connection.call('associations.v4.batch.read', async (client) => {
      const answer = await client.crm.associations.v4.batchApi.getPage('contacts', 'notes', { inputs: part.map((id) => ({ id })) });
      failOnUnreadInputs(answer, 'associations.v4.batch.read');
      return answer;
    });
    // Contacts without notes come back as per-input errors of a 207; they simply have none.
    for (const result of response.results) {
      const contactId = String(result._from.id);
      const list = notes.get(contactId) ?? [];
      list.push(...result.to.map((target) => String(target.toObjectId)));
      let after = result.paging?.next?.after;
      while (after) {
        const page = await connection.call('associations.v4.get', (client) =>
          client.crm.associations.v4.basicApi.getPage('contacts', contactId, 'notes', after, ASSOCIATION_PAGE),
        );
        list.push(...page.results.map((target) => String(target.toObjectId)));
        after = page.paging?.next?.after;
      }
      notes.set(contactId, [...new Set(list)]);
    }
  }
  return notes;
}

/** Reads and decodes the timelines of several contacts: one association call per 100 contacts, one note read per 100 notes. */
export async function readTimelines(connection: HubSpotConnection, contactIds: readonly string[]): Promise<Map<string, ContactTimeline>> {
  const noteIdsByContact = await associatedNoteIds(connection, contactIds);
  const contactByNote = new Map<string, string[]>();
  for (const [contactId, noteIds] of noteIdsByContact) {
    for (const noteId of noteIds) contactByNote.set(noteId, [...(contactByNote.get(noteId) ?? []), contactId]);
  }
  const timelines = new Map<string, ContactTimeline>(
    [...noteIdsByContact].map(([contactId, noteIds]) => [contactId, { events: [], damaged: [], noteCount: noteIds.length }]),
  );
  for (const part of chunk([...contactByNote.keys()], HUBSPOT_BATCH_SIZE)) {
    const response = await connection.call('notes.batch.read', async (client) => {
      const answer = await client.crm.objects.notes.batchApi.read({ inputs: part.map((id) => ({ id })), properties: ['hs_note_body'], propertiesWithHistory: [] });
      failOnUnreadInputs(answer, 'notes.batch.read');
      return answer;
    });
    // Notes deleted since the association read come back as errors of a 207: they are gone, skip them.
    for (const note of response.results) {
      const content = readNote(note.properties['hs_note_body']);
      for (const contactId of contactByNote.get(note.id) ?? []) {
        const timeline = timelines.get(contactId)!;
        if (content.kind === 'event') timeline.events.push({ event: content.event, noteId: note.id });
        else if (content.kind === 'damaged') timeline.damaged.push({ noteId: note.id, eventId: content.eventId, reason: content.reason });
      }
    }
  }
  return timelines;
}
