import { assembleTrail, canonicalJson, decodeTimelineEntry, embedPayload, extractPayload, type ProvenanceEvent } from '@optintrail/core';
import type { MailchimpFieldKey } from '../src/mailchimp-summary-tags';
import type { MailchimpEmulator } from '../src/testing';

/** A note holding one whole stored event, read straight from the emulator's state. */
export interface StoredEventNote {
  noteId: number;
  body: string;
  event: ProvenanceEvent;
}

/** The member's single-note events, in chain order (chunked notes are left out). */
export function storedNotes(emulator: MailchimpEmulator, listId: string, email: string): StoredEventNote[] {
  const notes: StoredEventNote[] = [];
  for (const note of emulator.state.notes(listId, email)) {
    const payload = extractPayload(note.note);
    if (payload !== undefined) notes.push({ noteId: note.id, body: note.note, event: decodeTimelineEntry(payload) });
  }
  const order = assembleTrail(email, notes.map((note) => note.event)).events.map((event) => event.id);
  return notes.sort((left, right) => order.indexOf(left.event.id) - order.indexOf(right.event.id));
}

/** The separate read path the tests check the adapter against: the emulator's state, never the adapter. */
export function readBackend(emulator: MailchimpEmulator, listId: string) {
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
    /** Rewrites the event in a note (keeping its hash), as an editor who knows the format would. */
    rewriteNote(email: string, noteId: number, change: (event: ProvenanceEvent) => ProvenanceEvent): void {
      const note = storedNotes(emulator, listId, email).find((candidate) => candidate.noteId === noteId);
      if (!note) throw new Error(`No OptinTrail note ${noteId} for ${email}.`);
      emulator.state.editNote(listId, email, noteId, embedPayload('Edited in Mailchimp', canonicalJson(change(note.event))));
    },
  };
}
