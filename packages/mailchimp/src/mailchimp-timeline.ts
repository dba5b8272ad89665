import {
  canonicalJson,
  chunkPayload,
  decodeTimelineEntry,
  encodeTimelineEntry,
  embedPayload,
  extractPayload,
  joinChunks,
  parseChunk,
  parseStoredEvent,
  truncateUtf8,
  TrailIntegrityError,
  ValidationError,
  type ProvenanceEvent,
} from '@optintrail/core';
import { MAILCHIMP_NOTE_MAX_CHARACTERS } from './mailchimp-text-budget';
import type { MailchimpMemberEventInput } from './mailchimp-sdk-types';

/**
 * How one provenance event lives in Mailchimp:
 * - a member **event** (`ot_consent_given`…, `is_syncing: true` so no automation fires) that shows
 *   in the contact's activity and carries the event id and hash as properties;
 * - member **notes** holding the stored events themselves (readable text plus the `optintrail:v1:`
 *   payload): as many events of one push per note as fit in 1,000 characters, and an event too
 *   long for a note of its own split into chunks.
 * Notes are what `pull` rebuilds the trail from; member events can't be edited or deleted
 * through the API and have no id of their own, so their `event_id` property is how a re-run
 * recognises them.
 */

/** Prefix of every member event name the adapter writes. */
export const MEMBER_EVENT_PREFIX = 'ot_';

/** `consent.given` → `ot_consent_given` (names are 2–30 letters, digits, `_` or `-`). */
export function memberEventName(event: ProvenanceEvent): string {
  return `${MEMBER_EVENT_PREFIX}${event.type.replace('.', '_')}`;
}

/** Mailchimp keeps about 1,000 characters of properties per event: each text property gets a share. */
const PROPERTY_TEXT_BYTES = 160;

/** The member event for a provenance event, with string properties only (the API refuses others). */
export function memberEventFor(event: ProvenanceEvent): MailchimpMemberEventInput {
  const properties: Record<string, string> = {
    event_id: event.id,
    hash: event.hash,
    at: event.at,
    source_kind: event.source.kind,
    source: truncateUtf8(event.source.name, PROPERTY_TEXT_BYTES),
  };
  if (event.purpose) properties.purpose = truncateUtf8(event.purpose, 60);
  if (event.channel) properties.channel = event.channel;
  if (event.lawfulBasis) properties.lawful_basis = event.lawfulBasis;
  if (event.source.campaign) properties.campaign = truncateUtf8(event.source.campaign, PROPERTY_TEXT_BYTES);
  return { name: memberEventName(event), properties, is_syncing: true, occurred_at: event.at };
}

/** The event id a member event written by the adapter carries, or undefined for anyone else's event. */
export function eventIdOfMemberEvent(memberEvent: { name: string; properties?: Record<string, string> }): string | undefined {
  if (!memberEvent.name.startsWith(MEMBER_EVENT_PREFIX)) return undefined;
  const id = memberEvent.properties?.event_id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * The note bodies for one stored event, each at most 1,000 characters: the readable description
 * with the payload when it fits, else the title with it, else the payload in chunks (the title
 * before the first chunk when there is room).
 */
export function noteBodiesFor(entry: { title: string; text: string; payload: string }): string[] {
  for (const readable of [entry.text, entry.title]) {
    const body = embedPayload(readable, entry.payload);
    if (body.length <= MAILCHIMP_NOTE_MAX_CHARACTERS) return [body];
  }
  const chunks = chunkPayload(entry.payload, MAILCHIMP_NOTE_MAX_CHARACTERS);
  const first = `${entry.title}\n\n${chunks[0]}`;
  if (first.length <= MAILCHIMP_NOTE_MAX_CHARACTERS) chunks[0] = first;
  return chunks;
}

/** Events packed into one note at most (bounds the work of fitting them). */
const MAX_EVENTS_PER_NOTE = 25;

/** One note to write and the events it carries. */
export interface NoteToWrite {
  body: string;
  eventIds: string[];
}

/**
 * The notes for a subject's new events, in order: consecutive events share a note (their titles,
 * then the payload: a JSON array of the stored events) while it stays within 1,000 characters.
 * A note with one event uses core's single-event format (`decodeTimelineEntry` reads it).
 */
export function notesFor(events: readonly ProvenanceEvent[]): NoteToWrite[] {
  const notes: NoteToWrite[] = [];
  let group: ProvenanceEvent[] = [];
  let groupBody = '';
  const flush = () => {
    if (group.length === 1) {
      for (const body of noteBodiesFor(encodeTimelineEntry(group[0]!))) notes.push({ body, eventIds: [group[0]!.id] });
    } else if (group.length > 1) {
      notes.push({ body: groupBody, eventIds: group.map((event) => event.id) });
    }
    group = [];
    groupBody = '';
  };
  for (const event of events) {
    if (group.length > 0 && group.length < MAX_EVENTS_PER_NOTE) {
      const candidate = [...group, event];
      const body = embedPayload(candidate.map((item) => encodeTimelineEntry(item).title).join('\n'), canonicalJson(candidate));
      if (body.length <= MAILCHIMP_NOTE_MAX_CHARACTERS) {
        group = candidate;
        groupBody = body;
        continue;
      }
    }
    flush();
    group = [event];
  }
  flush();
  return notes;
}

/** What the notes of a member hold for OptinTrail. */
export interface NotesReading {
  events: ProvenanceEvent[];
  /** Notes that carry an OptinTrail marker but could not be read (cut, altered, chunks missing). */
  damaged: Array<{ eventId?: string; reason: string }>;
}

/** The stored events a payload carries: one event, or an array of them. Throws `ValidationError`. */
export function eventsOfPayload(payload: string): ProvenanceEvent[] {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    throw new ValidationError([{ path: 'payload', reason: 'is not valid JSON (it was cut or altered)' }], 'Invalid Mailchimp note');
  }
  if (!Array.isArray(value)) return [decodeTimelineEntry(payload)];
  return value.map((item, index) => parseStoredEvent(item, `events[${index}]`));
}

/**
 * Reads stored events back from note bodies, in any order. Notes without an OptinTrail marker are
 * someone else's and are skipped; the same event written twice (an interrupted run) counts once.
 */
export function eventsFromNotes(bodies: readonly string[]): NotesReading {
  const events = new Map<string, ProvenanceEvent>();
  const damaged: NotesReading['damaged'] = [];
  const chunkGroups = new Map<string, string[]>();
  const keep = (event: ProvenanceEvent) => {
    // Two different bodies for one id is an edit; keep the first and let the chain check report it.
    if (!events.has(event.id)) events.set(event.id, event);
  };
  for (const body of bodies) {
    try {
      const chunk = parseChunk(body);
      if (chunk) {
        const group = chunkGroups.get(chunk.key) ?? [];
        group.push(body);
        chunkGroups.set(chunk.key, group);
        continue;
      }
      const payload = extractPayload(body);
      if (payload !== undefined) eventsOfPayload(payload).forEach(keep);
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error;
      damaged.push({ reason: error.message });
    }
  }
  for (const [key, group] of chunkGroups) {
    try {
      eventsOfPayload(joinChunks(group)).forEach(keep);
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error;
      damaged.push({ eventId: key, reason: error.message });
    }
  }
  return { events: [...events.values()], damaged };
}

/** The integrity error for a note that carries a marker but cannot be read. */
export function damagedNoteError(damage: { eventId?: string; reason: string }, index: number): TrailIntegrityError {
  return new TrailIntegrityError({
    eventId: damage.eventId,
    index,
    problem: 'malformed-event',
    detail: `a Mailchimp note holding this trail cannot be read (${damage.reason})`,
  });
}
