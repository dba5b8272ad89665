import { chunk, normalizeEmail, type Actor, type CapturedChange, type CaptureNotice, type Channel, type FieldValue, type Source, type SourceKind } from '@optintrail/core';
import { soqlString, type SalesforceClient } from './salesforce-client';
import type { SalesforceSchemaNames } from './salesforce-schema-plan';

/**
 * Salesforce's own record of changes, read with SOQL: field history (`ContactHistory`,
 * `LeadHistory`: `Field`, `OldValue`, `NewValue`, `CreatedDate`, `CreatedById`) and the consent
 * model (`ContactPointTypeConsent` per Individual, purpose and contact point type), turned into
 * provenance events. Used by the change poller (since a cursor) and the backfill (everything).
 */

/** Salesforce field → neutral field name, for the standard person fields history usually tracks. */
export const DEFAULT_SALESFORCE_FIELD_NAMES: Readonly<Record<string, string>> = {
  Email: 'email',
  FirstName: 'firstName',
  LastName: 'lastName',
  Salutation: 'salutation',
  Phone: 'phone',
  MobilePhone: 'mobilePhone',
  Title: 'jobTitle',
  Company: 'company',
  MailingStreet: 'street',
  MailingCity: 'city',
  MailingPostalCode: 'postalCode',
  MailingCountry: 'country',
};

/** One history row with its parent's current email. */
export interface SalesforceHistoryRow {
  Id: string;
  ParentId: string;
  Email: string | null;
  Field: string;
  OldValue: unknown;
  NewValue: unknown;
  /** ISO 8601 UTC. */
  CreatedDate: string;
  CreatedById: string;
}

/** One ContactPointTypeConsent row, with its subject when known. */
export interface SalesforceConsentRow {
  Id: string;
  PartyId: string | null;
  ContactPointType: string | null;
  PrivacyConsentStatus: string | null;
  CaptureDate: string | null;
  CaptureSource: string | null;
  CaptureContactPointType: string | null;
  DoubleConsentCaptureDate: string | null;
  EffectiveFrom: string | null;
  DataUsePurposeName: string | null;
  /** OptinTrail's External ID (`subject|purpose|channel`) when OptinTrail wrote the record. */
  OptinTrailKey: string | null;
  CreatedDate: string;
  CreatedById: string;
  SystemModstamp: string;
  LastModifiedById: string;
}

/** How changes are read and attributed. */
export interface SalesforceHistoryContext {
  recordObject: 'Contact' | 'Lead';
  names: SalesforceSchemaNames;
  fieldNames: Readonly<Record<string, string>>;
  /** Users whose writes are OptinTrail's own (the API user): not history, echoes. */
  integrationUserIds: ReadonlySet<string>;
  /** Users that stand for automation (the "Automated Process" user, an integration user running flows): `crm-automation`. */
  automationUserIds: ReadonlySet<string>;
  /** DataUsePurpose name → OptinTrail purpose. Default: the name itself. */
  purposes: Readonly<Record<string, string>>;
  /** The purpose `HasOptedOutOfEmail` withdraws. */
  emailOptOutPurpose: string;
}

const CHANNEL_BY_CONTACT_POINT: Record<string, Channel> = { Email: 'email', Phone: 'phone', MailingAddress: 'postal' };
const KIND_BY_CAPTURE_TYPE: Record<string, SourceKind> = { Web: 'web-form', Phone: 'phone', MailingAddress: 'paper-form', Email: 'subject', Social: 'other' };

/** Salesforce datetimes (`2024-05-01T09:30:00.000+0000`) as ISO 8601 UTC. */
export function isoFromSalesforce(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const time = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** A SOQL datetime literal. */
export function soqlDatetime(iso: string): string {
  return new Date(iso).toISOString();
}

function fieldValue(value: unknown): FieldValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

function actorOf(userId: string, context: SalesforceHistoryContext): { source: Source; actor: Actor } {
  if (context.automationUserIds.has(userId)) return { source: { kind: 'crm-automation', name: 'Salesforce automation' }, actor: { kind: 'system', id: `salesforce-user:${userId}` } };
  return { source: { kind: 'crm-user', name: 'Salesforce' }, actor: { kind: 'staff', id: `salesforce-user:${userId}` } };
}

/** History rows, oldest first, with the parent's email. `where` is a SOQL condition on the history object. */
export async function queryHistory(client: SalesforceClient, context: SalesforceHistoryContext, where: string, limit?: number): Promise<SalesforceHistoryRow[]> {
  const historyObject = `${context.recordObject}History`;
  const parent = context.recordObject === 'Contact' ? 'ContactId' : 'LeadId';
  const relationship = context.recordObject;
  const rows = await client.query<Record<string, unknown>>(
    `history.${historyObject}`,
    `SELECT Id, ${parent}, ${relationship}.Email, Field, OldValue, NewValue, CreatedDate, CreatedById FROM ${historyObject} WHERE ${where} ORDER BY CreatedDate ASC, Id ASC${limit ? ` LIMIT ${limit}` : ''}`,
  );
  return rows.map((row) => ({
    Id: String(row['Id']),
    ParentId: String(row[parent]),
    Email: typeof (row[relationship] as Record<string, unknown> | null)?.['Email'] === 'string' ? ((row[relationship] as Record<string, unknown>)['Email'] as string) : null,
    Field: String(row['Field']),
    OldValue: row['OldValue'] ?? null,
    NewValue: row['NewValue'] ?? null,
    CreatedDate: isoFromSalesforce(row['CreatedDate'])!,
    CreatedById: String(row['CreatedById']),
  }));
}

/** Consent records, oldest change first. `where` is a SOQL condition on ContactPointTypeConsent. */
export async function queryConsents(client: SalesforceClient, context: SalesforceHistoryContext, where: string, limit?: number): Promise<SalesforceConsentRow[]> {
  const key = context.names.consentKey;
  const rows = await client.query<Record<string, unknown>>(
    'consent.ContactPointTypeConsent',
    `SELECT Id, PartyId, ContactPointType, PrivacyConsentStatus, CaptureDate, CaptureSource, CaptureContactPointType, DoubleConsentCaptureDate, EffectiveFrom, DataUsePurpose.Name, ${key}, CreatedDate, CreatedById, SystemModstamp, LastModifiedById FROM ContactPointTypeConsent WHERE ${where} ORDER BY SystemModstamp ASC, Id ASC${limit ? ` LIMIT ${limit}` : ''}`,
  );
  return rows.map((row) => ({
    Id: String(row['Id']),
    PartyId: typeof row['PartyId'] === 'string' ? row['PartyId'] : null,
    ContactPointType: (row['ContactPointType'] as string | null) ?? null,
    PrivacyConsentStatus: (row['PrivacyConsentStatus'] as string | null) ?? null,
    CaptureDate: isoFromSalesforce(row['CaptureDate']),
    CaptureSource: (row['CaptureSource'] as string | null) ?? null,
    CaptureContactPointType: (row['CaptureContactPointType'] as string | null) ?? null,
    DoubleConsentCaptureDate: isoFromSalesforce(row['DoubleConsentCaptureDate']),
    EffectiveFrom: isoFromSalesforce(row['EffectiveFrom']),
    DataUsePurposeName: ((row['DataUsePurpose'] as Record<string, unknown> | null)?.['Name'] as string | undefined) ?? null,
    OptinTrailKey: (row[key] as string | null) ?? null,
    CreatedDate: isoFromSalesforce(row['CreatedDate'])!,
    CreatedById: String(row['CreatedById']),
    SystemModstamp: isoFromSalesforce(row['SystemModstamp'])!,
    LastModifiedById: String(row['LastModifiedById']),
  }));
}

/** Emails of the people behind Individuals (their Contact or Lead), 200 ids per query. */
export async function emailsOfIndividuals(client: SalesforceClient, context: SalesforceHistoryContext, individualIds: readonly string[]): Promise<Map<string, string>> {
  const emails = new Map<string, string>();
  for (const part of chunk([...new Set(individualIds)], 200)) {
    const rows = await client.query<Record<string, unknown>>(
      `consent.${context.recordObject}`,
      `SELECT Id, Email, IndividualId, CreatedDate FROM ${context.recordObject} WHERE IndividualId IN (${part.map(soqlString).join(', ')}) AND Email != null ORDER BY CreatedDate ASC`,
    );
    for (const row of rows) {
      const individual = row['IndividualId'];
      if (typeof individual === 'string' && typeof row['Email'] === 'string' && !emails.has(individual)) emails.set(individual, normalizeEmail(row['Email']));
    }
  }
  return emails;
}

/**
 * The event of one history row, or a notice: the integration user's rows are echoes, an email change
 * is a changed subject, `HasOptedOutOfEmail` turning true withdraws the email consent, other mapped
 * fields are data updates with their previous value.
 */
export function historyChange(row: SalesforceHistoryRow, context: SalesforceHistoryContext, createdValues?: (row: SalesforceHistoryRow) => CapturedChange | null): CapturedChange | CaptureNotice {
  const externalId = `${context.recordObject}History:${row.Id}`;
  if (context.integrationUserIds.has(row.CreatedById)) return { kind: 'ignored', externalId, reason: "an echo of OptinTrail's own write" };
  if (!row.Email) return { kind: 'ignored', externalId, reason: `the ${context.recordObject} has no email address` };
  const subject = normalizeEmail(row.Email);
  const { source, actor } = actorOf(row.CreatedById, context);
  if (row.Field === 'created') return createdValues?.(row) ?? { kind: 'ignored', externalId, reason: 'a record creation (read by the backfill)' };
  if (row.Field === 'Email') {
    const from = typeof row.OldValue === 'string' && row.OldValue ? normalizeEmail(row.OldValue) : undefined;
    return from ? { kind: 'subject-changed', externalId, from, to: subject, at: row.CreatedDate } : { kind: 'ignored', externalId, reason: 'the email address was set, with no earlier address' };
  }
  if (row.Field === 'HasOptedOutOfEmail') {
    if (row.NewValue !== true && row.NewValue !== 'true') return { kind: 'ignored', externalId, reason: 'an email opt-out was lifted; a new consent needs its own opt-in' };
    return { subject, externalId, event: { at: row.CreatedDate, type: 'consent.withdrawn', purpose: context.emailOptOutPurpose, channel: 'email', source, actor, reason: 'Email Opt Out set in Salesforce' } };
  }
  const name = context.fieldNames[row.Field];
  if (!name) return { kind: 'ignored', externalId, reason: `${row.Field} is not a mapped field` };
  if (row.OldValue === null && row.NewValue === null) return { kind: 'ignored', externalId, reason: 'the history row does not keep values (long text or encrypted field)' };
  return { subject, externalId, event: { at: row.CreatedDate, type: 'data.updated', source, actor, fields: [{ name, value: fieldValue(row.NewValue), previousValue: fieldValue(row.OldValue) }] } };
}

/**
 * The consent events of a ContactPointTypeConsent as it stands: OptIn grants, OptOut withdraws,
 * dated by CaptureDate (else EffectiveFrom, else the change). `live` (the poller) attributes a new
 * record to the person who made it; the backfill (`live: false`) marks an opt-in without evidence as
 * an import, so its reminder says only "your details were added".
 */
export function consentChange(row: SalesforceConsentRow, subject: string, context: SalesforceHistoryContext, live: boolean): CapturedChange | CaptureNotice {
  const externalId = `ContactPointTypeConsent:${row.Id}:${row.SystemModstamp}:${row.PrivacyConsentStatus ?? ''}`;
  if (context.integrationUserIds.has(row.LastModifiedById)) return { kind: 'ignored', externalId, reason: "an echo of OptinTrail's own write" };
  const channel = CHANNEL_BY_CONTACT_POINT[row.ContactPointType ?? ''];
  if (!channel) return { kind: 'ignored', externalId, reason: `contact point type ${row.ContactPointType ?? '(none)'} has no channel in the model` };
  if (!row.DataUsePurposeName) return { kind: 'ignored', externalId, reason: 'the consent names no data use purpose' };
  const purpose = context.purposes[row.DataUsePurposeName] ?? row.DataUsePurposeName;
  const status = row.PrivacyConsentStatus;
  if (status !== 'OptIn' && status !== 'OptOut') return { kind: 'ignored', externalId, reason: `status ${status ?? '(none)'} is neither an opt-in nor an opt-out` };
  // A record changed after it was made is dated by the change (its CaptureDate may be the earlier
  // grant's); a new record, or the backfill's present state, by when the consent was captured.
  const changedLater = Date.parse(row.SystemModstamp) - Date.parse(row.CreatedDate) > 1000;
  const at = live && changedLater ? row.SystemModstamp : status === 'OptIn' ? (row.CaptureDate ?? row.EffectiveFrom ?? row.SystemModstamp) : (row.EffectiveFrom ?? row.CaptureDate ?? row.SystemModstamp);
  const who = actorOf(row.LastModifiedById, context);
  const captured = row.CaptureSource?.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  const via = row.CaptureContactPointType ? ` via ${row.CaptureContactPointType}` : '';
  let source: Source;
  if (live) {
    const kind = KIND_BY_CAPTURE_TYPE[row.CaptureContactPointType ?? ''] ?? who.source.kind;
    source = { kind, name: (captured || `Salesforce consent record${via}`).slice(0, 200) };
  } else {
    source = { kind: 'import', name: `Salesforce consent record${via}${captured ? `: ${captured}` : ''}`.slice(0, 200) };
  }
  const proof = status === 'OptIn' && row.DoubleConsentCaptureDate ? { proof: { doubleOptIn: { confirmedAt: row.DoubleConsentCaptureDate } } } : {};
  return {
    subject,
    externalId,
    event: { at, type: status === 'OptIn' ? 'consent.given' : 'consent.withdrawn', purpose, channel, source, ...(live ? { actor: who.actor } : {}), ...proof },
  };
}

/** The subject of a consent record: OptinTrail's key, else the Contact or Lead of its Individual. */
export function consentSubject(row: SalesforceConsentRow, individuals: ReadonlyMap<string, string>): string | undefined {
  const keyed = row.OptinTrailKey?.split('|')[0];
  if (keyed && keyed.includes('@')) return normalizeEmail(keyed);
  return row.PartyId ? individuals.get(row.PartyId) : undefined;
}

export function isNotice(value: CapturedChange | CaptureNotice): value is CaptureNotice {
  return 'kind' in value;
}
