import { ValidationError } from '../errors';
import type { ProvenanceEvent } from '../model/event';
import { parseStoredEvent } from '../model/event-schema';
import { canonicalJson } from '../trail/canonical-json';
import { parseStoredEventCached } from '../trail/validated-event-cache';
import {
  channelLabel,
  describeActor,
  describeProof,
  describeSource,
  eventTypeLabel,
  formatDateTime,
  lawfulBasisLabel,
  showFieldValue,
  words,
  type DescriptionLocale,
} from './event-description';
import { extractPayload } from './payload-marker';
import { truncateUtf8 } from './utf8-budget';

/** One event as a CRM timeline item: a note, a member event, a custom object record. */
export interface TimelineEntry {
  /** A short label, e.g. "Consent given: newsletter (email) — Salon E-commerce Paris". */
  title: string;
  /** A readable multi-line description: when, where from, how proven, which fields. */
  text: string;
  /**
   * The exact stored event as canonical JSON (RFC 8785), so that `pull` rebuilds it byte for byte.
   * Store it as it is in a long text field, or inside a note body with `embedPayload`.
   */
  payload: string;
}

export interface TimelineEntryOptions {
  /** Language of `title` and `text`. Default `en`. */
  locale?: DescriptionLocale;
  /** Budget of the title in bytes of UTF-8 (e.g. 80 for a Salesforce Name field). Default 255. */
  maxTitleBytes?: number;
}

/** The timeline entry for one stored event. The event is validated first (`ValidationError`). */
export function encodeTimelineEntry(event: ProvenanceEvent, options: TimelineEntryOptions = {}): TimelineEntry {
  const locale = options.locale ?? 'en';
  // Cached: the push pipeline has just checked the same event objects (verifyTrail); only read here.
  const stored = parseStoredEventCached(event, 'event');
  return {
    title: truncateUtf8(timelineTitle(stored, locale), options.maxTitleBytes ?? 255),
    text: timelineText(stored, locale),
    payload: canonicalJson(stored),
  };
}

/**
 * The stored event carried by a timeline entry: its `payload` (JSON), or a whole note body that
 * carries it through `embedPayload`. Validated with `parseStoredEvent`; throws `ValidationError`.
 */
export function decodeTimelineEntry(payload: string): ProvenanceEvent {
  if (typeof payload !== 'string') throw invalid('must be a string');
  const trimmed = payload.trim();
  const json = trimmed.startsWith('{') ? trimmed : extractPayload(payload);
  if (json === undefined) throw invalid('holds neither an event as JSON nor an OptinTrail marker');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw invalid('is not valid JSON (it was cut or altered)');
  }
  return parseStoredEvent(value, 'event');
}

function timelineTitle(event: ProvenanceEvent, locale: DescriptionLocale): string {
  const w = words(locale);
  let title = eventTypeLabel(event.type, locale);
  const about = topic(event, locale);
  if (about) title += `${w.colon}${about}`;
  return `${title} — ${event.source.name}`;
}

/** What the event is about: "newsletter (email)" or "firstName, city". */
function topic(event: ProvenanceEvent, locale: DescriptionLocale): string {
  if (event.purpose && event.channel) return `${event.purpose} (${channelLabel(event.channel, locale)})`;
  if (event.purpose) return event.purpose;
  if (event.fields) return event.fields.map((field) => field.name).join(', ');
  return '';
}

const TEXT_LABELS = {
  en: { date: 'Date', source: 'Source', basis: 'Lawful basis', actor: 'By', proof: 'Proof', fields: 'Fields', was: 'was', reason: 'Reason', event: 'Event', hash: 'Hash', campaign: 'campaign' },
  fr: { date: 'Date', source: 'Source', basis: 'Base légale', actor: 'Par', proof: 'Preuve', fields: 'Champs', was: 'avant', reason: 'Motif', event: 'Événement', hash: 'Empreinte', campaign: 'campagne' },
} as const;

function timelineText(event: ProvenanceEvent, locale: DescriptionLocale): string {
  const w = words(locale);
  const labels = TEXT_LABELS[locale];
  const line = (label: string, value: string) => `${label}${w.colon}${value}`;
  const about = topic(event, locale);
  const lines = [about ? `${eventTypeLabel(event.type, locale)}${w.colon}${about}` : eventTypeLabel(event.type, locale)];
  lines.push(line(labels.date, formatDateTime(event.at)));
  let source = describeSource(event.source, locale, 'name-first');
  if (event.source.campaign) source += `, ${labels.campaign} ${event.source.campaign}`;
  if (event.source.url) source += `, ${event.source.url}`;
  lines.push(line(labels.source, source));
  if (event.lawfulBasis) lines.push(line(labels.basis, lawfulBasisLabel(event.lawfulBasis, locale)));
  if (event.actor) lines.push(line(labels.actor, describeActor(event.actor, locale)));
  const proof = describeProof(event.proof, { locale, detailed: true });
  if (proof.length > 0) lines.push(line(labels.proof, proof.join(w.separator)));
  if (event.fields) {
    lines.push(`${labels.fields}${w.colon.trimEnd()}`);
    for (const field of event.fields) {
      let text = `  ${field.name}`;
      if (field.value !== undefined) text += `${w.colon}${showFieldValue(field.value, locale)}`;
      if (field.previousValue !== undefined) text += ` (${labels.was}${w.colon}${showFieldValue(field.previousValue, locale)})`;
      lines.push(text);
    }
  }
  if (event.reason) lines.push(line(labels.reason, event.reason));
  lines.push(line(labels.event, event.id));
  lines.push(line(labels.hash, event.hash));
  return lines.join('\n');
}

function invalid(reason: string): ValidationError {
  return new ValidationError([{ path: 'payload', reason }], 'Invalid timeline entry');
}
