import { assembleTrail, canonicalJson, embedPayload, extractPayload, type ProvenanceEvent } from '@optintrail/core';
import type { MailchimpFieldKey } from '../src/mailchimp-summary-tags';
import { eventsOfPayload } from '../src/mailchimp-timeline';
import type { MailchimpEmulator } from '../src/testing';

/** A note holding whole stored events (one or several), read straight from the emulator's state. */
export interface StoredEventNote {
  noteId: number;
  body: string;
  events: ProvenanceEvent[];
}

/** The member's OptinTrail notes (chunked ones left out), ordered by the chain position of their first event. */
export function storedNotes(emulator: MailchimpEmulator, listId: string, email: string): StoredEventNote[] {
  const notes: StoredEventNote[] = [];
  for (const note of emulator.state.notes(listId, email)) {
    const payload = extractPayload(note.note);
    if (payload !== undefined) notes.push({ noteId: note.id, body: note.note, events: eventsOfPayload(payload) });
  }
  const order = assembleTrail(email, notes.flatMap((note) => note.events)).events.map((event) => event.id);
  return notes.sort((left, right) => order.indexOf(left.events[0]!.id) - order.indexOf(right.events[0]!.id));
}

/** Every stored event found in the member's notes, duplicates included, in chain order. */
export function storedEvents(emulator: MailchimpEmulator, listId: string, email: string): ProvenanceEvent[] {
  return storedNotes(emulator, listId, email).flatMap((note) => note.events);
}

/** The separate read path the tests check the adapter against: the emulator's state, never the adapter. */
export function readBackend(emulator: MailchimpEmulator, listId: string) {
  /** Replaces the events of a note, as an editor who knows the format would. An empty list deletes the note. */
  const rewrite = (email: string, note: StoredEventNote, events: ProvenanceEvent[]) => {
    if (events.length === 0) return emulator.state.deleteNote(listId, email, note.noteId);
    const payload = events.length === 1 ? canonicalJson(events[0]) : canonicalJson(events);
    emulator.state.editNote(listId, email, note.noteId, embedPayload('Edited in Mailchimp', payload));
  };
  return {
    /** Merge fields by neutral key, or null when the audience has no such member. */
    summary(email: string, tags: Readonly<Record<MailchimpFieldKey, string>>): Record<string, string> | null {
      const member = emulator.state.member(listId, email);
      if (!member) return null;
      const summary: Record<string, string> = {};
      for (const [key, tag] of Object.entries(tags)) {
        const value = member.merge_fields[tag];
        if (typeof value === 'string') summary[key] = value;
      }
      return summary;
    },
    /** Changes the stored event `eventId` (keeping its hash) inside its note. */
    editEvent(email: string, eventId: string, change: (event: ProvenanceEvent) => ProvenanceEvent): void {
      const note = storedNotes(emulator, listId, email).find((candidate) => candidate.events.some((event) => event.id === eventId));
      if (!note) throw new Error(`No OptinTrail note holds event ${eventId}.`);
      rewrite(email, note, note.events.map((event) => (event.id === eventId ? change(event) : event)));
    },
    /** Removes the stored event `eventId` from its note. */
    removeEvent(email: string, eventId: string): void {
      const note = storedNotes(emulator, listId, email).find((candidate) => candidate.events.some((event) => event.id === eventId));
      if (!note) throw new Error(`No OptinTrail note holds event ${eventId}.`);
      rewrite(email, note, note.events.filter((event) => event.id !== eventId));
    },
  };
}
