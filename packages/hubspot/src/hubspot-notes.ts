import { decodeTimelineEntry, embedPayload, encodeTimelineEntry, extractPayload, ValidationError, type ProvenanceEvent } from '@optintrail/core';

/** HubSpot's limit on a note body (FACTS.md: 65,536 characters for text written through the API). */
export const MAX_NOTE_BODY_CHARACTERS = 65_536;

/** Note → contact, HubSpot-defined association type (TOOLCHAIN.md; HubSpot's association type table). */
export const NOTE_TO_CONTACT_ASSOCIATION = { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 } as const;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * The note body for one event: the readable entry as HTML (HubSpot renders note bodies as rich text),
 * then the stored event itself as an `optintrail:v1:` marker that survives HTML rewriting.
 * A body over HubSpot's limit keeps only the title as readable text; an event too big even then is a
 * `ValidationError` (it cannot be stored as one note).
 */
export function noteBody(event: ProvenanceEvent, locale: 'en' | 'fr' = 'en'): string {
  const entry = encodeTimelineEntry(event, { locale });
  const lines = entry.text.split('\n').map((line) => escapeHtml(line));
  const readable = `<p><strong>${escapeHtml(entry.title)}</strong></p><p>${lines.join('<br>')}</p>`;
  const body = embedPayload(readable, entry.payload);
  if (body.length <= MAX_NOTE_BODY_CHARACTERS) return body;
  const short = embedPayload(`<p><strong>${escapeHtml(entry.title)}</strong></p>`, entry.payload);
  if (short.length <= MAX_NOTE_BODY_CHARACTERS) return short;
  throw new ValidationError([{ path: `events[${event.id}]`, reason: `is ${short.length} characters once encoded; a HubSpot note holds ${MAX_NOTE_BODY_CHARACTERS}` }], 'Event too large for a HubSpot note');
}

/** What a note holds: an OptinTrail event, a damaged OptinTrail marker, or nothing of ours. */
export type NoteContent =
  | { kind: 'event'; event: ProvenanceEvent }
  | { kind: 'damaged'; eventId: string | undefined; reason: string }
  | { kind: 'foreign' };

/**
 * Reads a note body back. Notes written by people (no marker) are `foreign` and ignored; a marker
 * that no longer decodes is `damaged`, with the event id read from the readable text when it is there.
 */
export function readNote(body: string | null | undefined): NoteContent {
  if (!body) return { kind: 'foreign' };
  let payload: string | undefined;
  try {
    payload = extractPayload(body);
  } catch (error) {
    return { kind: 'damaged', eventId: eventIdFromText(body), reason: error instanceof Error ? error.message : String(error) };
  }
  if (payload === undefined) return { kind: 'foreign' };
  try {
    return { kind: 'event', event: decodeTimelineEntry(payload) };
  } catch (error) {
    return { kind: 'damaged', eventId: eventIdFromText(body), reason: error instanceof Error ? error.message : String(error) };
  }
}

// The readable text ends with "Event: <id>" (or "Événement : <id>"); a fallback for naming a damaged note.
function eventIdFromText(body: string): string | undefined {
  const match = /(?:Event|Événement)\s?:\s*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i.exec(body.replace(/<[^>]*>/g, ' '));
  return match?.[1]?.toLowerCase();
}
