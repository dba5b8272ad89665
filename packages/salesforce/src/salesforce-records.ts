import {
  encodeSummaryFields,
  encodeTimelineEntry,
  foldTrail,
  generateReminder,
  SUMMARY_FIELD_KEYS,
  TRAIL_FIELD_BUDGETS,
  type Channel,
  type ProvenanceEvent,
  type SummaryFieldKey,
  type Touchpoint,
  type Trail,
} from '@optintrail/core';
import { EVENT_DESCRIPTION_LENGTH, NAME_FIELD_LENGTH, SALESFORCE_LONG_TEXT_MAX, type SalesforceSchemaNames } from './salesforce-schema-plan';

/** What the summary fields describe and how the reminder sentence is written. */
export interface SummaryOptions {
  purpose: string;
  channel: Channel;
  timeZone: string;
  /** Touchpoint of the ready-to-merge reminder fields. */
  reminderTouchpoint: Touchpoint;
}

/** Summary field values as Salesforce stores them: '' becomes null, the day a Date, the length a Number. */
export function summaryRecordFields(trail: Trail | null, names: SalesforceSchemaNames, options: SummaryOptions): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  if (!trail || trail.events.length === 0) {
    for (const key of SUMMARY_FIELD_KEYS) record[names.summary[key]] = null;
    return record;
  }
  const values = encodeSummaryFields(trail, {
    purpose: options.purpose,
    channel: options.channel,
    timeZone: options.timeZone,
    maxBytes: { trailEncoded: TRAIL_FIELD_BUDGETS.salesforce },
    reminder: (state, locale, context) => {
      const result = generateReminder(state, { purpose: context.purpose, channel: context.channel, touchpoint: options.reminderTouchpoint, locale, timeZone: context.timeZone });
      return result.kind === 'reminder' ? result.text : undefined;
    },
  });
  for (const key of SUMMARY_FIELD_KEYS) {
    const value = values[key];
    if (key === 'trailLength') record[names.summary[key]] = value === '' ? null : Number(value);
    else record[names.summary[key]] = value === '' ? null : value;
  }
  return record;
}

/** A Salesforce row's summary fields back under the codec's keys, as strings. */
export function summaryFromRecord(row: Record<string, unknown>, names: SalesforceSchemaNames): Partial<Record<SummaryFieldKey, string | null>> {
  const values: Partial<Record<SummaryFieldKey, string | null>> = {};
  for (const key of SUMMARY_FIELD_KEYS) {
    const value = row[names.summary[key]];
    values[key] = value === null || value === undefined ? null : String(value);
  }
  return values;
}

function clip(text: string, characters: number): string {
  if (text.length <= characters) return text;
  return `${text.slice(0, characters - 1)}…`;
}

/** The event record; `parent` names the subject's record by its External ID. */
export function eventRecord(event: ProvenanceEvent, subject: string, names: SalesforceSchemaNames): Record<string, unknown> {
  const entry = encodeTimelineEntry(event, { maxTitleBytes: NAME_FIELD_LENGTH });
  return {
    attributes: { type: names.eventObject },
    [names.event.id]: event.id,
    Name: entry.title,
    [names.event.parentRelationship]: { [names.subjectKey]: subject },
    [names.event.type]: event.type,
    [names.event.occurredAt]: event.at,
    [names.event.source]: clip(event.source.name, 255),
    [names.event.description]: clip(entry.text, EVENT_DESCRIPTION_LENGTH),
    [names.event.payload]: entry.payload,
    [names.event.hash]: event.hash,
  };
}

/** Whether the stored JSON of an event fits the payload field. */
export function payloadFits(record: Record<string, unknown>, names: SalesforceSchemaNames): boolean {
  return String(record[names.event.payload]).length <= SALESFORCE_LONG_TEXT_MAX;
}

/**
 * Whether an event's record will fit, without building it when the event's plain JSON already fits:
 * the stored JSON is the same members in canonical order, never longer.
 */
export function eventPayloadFits(event: ProvenanceEvent, subject: string, names: SalesforceSchemaNames): boolean {
  return JSON.stringify(event).length <= SALESFORCE_LONG_TEXT_MAX || payloadFits(eventRecord(event, subject, names), names);
}

/** Standard fields set when OptinTrail creates the record: email, names (Salesforce requires LastName; Lead also Company). */
export function newRecordFields(trail: Trail, names: SalesforceSchemaNames, placeholder: string): Record<string, unknown> {
  const fields = foldTrail(trail).fields;
  const text = (name: string) => {
    const value = fields[name]?.value;
    return typeof value === 'string' && value.trim() !== '' ? value : undefined;
  };
  const record: Record<string, unknown> = { Email: trail.subject, LastName: clip(text('lastName') ?? placeholder, 80) };
  const firstName = text('firstName');
  if (firstName) record['FirstName'] = clip(firstName, 40);
  if (names.recordObject === 'Lead') record['Company'] = clip(text('company') ?? placeholder, 255);
  return record;
}
