import { CrmApiError, normalizeEmail, writeBackfill, type BackfillOptions, type BackfillReport, type BackfillSubject, type CapturedChange, type FieldChange, type FieldValue } from '@optintrail/core';
import { soqlString } from './salesforce-client';
import { historyContext, SALESFORCE_CAPTURE_NAMESPACE, type SalesforceNativeHistorySettings } from './salesforce-change-poller';
import {
  consentChange,
  consentSubject,
  historyChange,
  isNotice,
  isoFromSalesforce,
  queryConsents,
  queryHistory,
  soqlDatetime,
  type SalesforceConsentRow,
  type SalesforceHistoryContext,
  type SalesforceHistoryRow,
} from './salesforce-native-history';

/** Settings of `backfillSalesforce`. */
export interface SalesforceBackfillSettings extends SalesforceNativeHistorySettings, Pick<BackfillOptions, 'batchSize' | 'dryRun' | 'pushOptions' | 'randomBytes' | 'onProgress'> {}

/**
 * Namespace of backfilled event ids: the poller's, with the same ids for the same history rows and
 * consent changes, so a change polled live and backfilled later is one event; a second run writes nothing.
 */
export const SALESFORCE_BACKFILL_NAMESPACE = SALESFORCE_CAPTURE_NAMESPACE;

/** Records read per query (and history and consent read for them in one query each). */
const PAGE_SIZE = 200;

/**
 * Gives every existing Contact (or Lead) with an email a first trail from what the org knows: the
 * values it was created with (from the record and the oldest history row of each field) and who
 * created it, every tracked field change since (`ContactHistory`), Email Opt Out, and Salesforce's
 * consent records (`ContactPointTypeConsent`).
 *
 * Proof is marked honestly: a consent record keeps no evidence of the opt-in, so it becomes an
 * `import` named after the record ("Salesforce consent record via Web: Spring webinar") and its
 * reminder says "your details were added to our list on…"; a double consent capture date is kept as
 * the confirmation. Records OptinTrail already keeps a trail for gain only what others changed; a
 * second run writes nothing. Changes written by the API user are OptinTrail's own and skipped.
 */
export async function backfillSalesforce(settings: SalesforceBackfillSettings): Promise<BackfillReport> {
  return writeBackfill(settings.adapter, salesforceBackfillSubjects(settings), {
    namespace: SALESFORCE_BACKFILL_NAMESPACE,
    ...(settings.batchSize !== undefined ? { batchSize: settings.batchSize } : {}),
    ...(settings.dryRun !== undefined ? { dryRun: settings.dryRun } : {}),
    ...(settings.pushOptions ? { pushOptions: settings.pushOptions } : {}),
    ...(settings.randomBytes ? { randomBytes: settings.randomBytes } : {}),
    ...(settings.onProgress ? { onProgress: settings.onProgress } : {}),
  });
}

/** The records as backfill subjects, 200 at a time (three queries per page: records, history, consent). */
export async function* salesforceBackfillSubjects(settings: SalesforceBackfillSettings): AsyncGenerator<BackfillSubject> {
  const client = settings.adapter.client;
  const context = await historyContext(settings);
  const object = context.recordObject;
  const described = await client.request<{ fields: Array<{ name: string }> }>(`describe ${object}`, 'GET', `/sobjects/${object}/describe`);
  const available = new Set(described.fields.map((field) => field.name));
  const mapped = Object.keys(context.fieldNames).filter((field) => available.has(field));
  const headField = context.names.summary.trailHead;
  const extra = [...mapped, ...(available.has(headField) ? [headField] : []), ...(available.has('IndividualId') ? ['IndividualId'] : []), ...(available.has('HasOptedOutOfEmail') ? ['HasOptedOutOfEmail'] : [])];
  const fields = [...new Set(['Id', 'Email', 'CreatedDate', 'CreatedById', 'LastModifiedDate', ...extra])].join(', ');
  let position: { after: string; lastId: string } | undefined;
  for (;;) {
    const keyset = position ? ` AND (CreatedDate > ${soqlDatetime(position.after)} OR (CreatedDate = ${soqlDatetime(position.after)} AND Id > ${soqlString(position.lastId)}))` : '';
    const records = await client.query<Record<string, unknown>>(`backfill.${object}`, `SELECT ${fields} FROM ${object} WHERE Email != null${keyset} ORDER BY CreatedDate ASC, Id ASC LIMIT ${PAGE_SIZE}`);
    if (records.length === 0) return;
    const ids = records.map((record) => String(record['Id']));
    const history = await queryHistory(client, context, `${object === 'Contact' ? 'ContactId' : 'LeadId'} IN (${ids.map(soqlString).join(', ')})`);
    const individualIds = records.map((record) => record['IndividualId']).filter((id): id is string => typeof id === 'string');
    let consents: SalesforceConsentRow[] = [];
    if (individualIds.length > 0) {
      try {
        consents = await queryConsents(client, context, `PartyId IN (${individualIds.map(soqlString).join(', ')})`);
      } catch (error) {
        if (!(CrmApiError.isInstance(error) && /INVALID_TYPE|sObject type/i.test(`${error.vendorCode} ${error.message}`))) throw error;
      }
    }
    const emailOfIndividual = new Map(records.filter((record) => typeof record['IndividualId'] === 'string').map((record) => [record['IndividualId'] as string, normalizeEmail(String(record['Email']))]));
    for (const record of records) yield recordSubject(record, history, consents, emailOfIndividual, context, mapped, headField);
    const last = records.at(-1)!;
    position = { after: isoFromSalesforce(last['CreatedDate'])!, lastId: String(last['Id']) };
    if (records.length < PAGE_SIZE) return;
  }
}

function recordSubject(
  record: Record<string, unknown>,
  allHistory: SalesforceHistoryRow[],
  allConsents: SalesforceConsentRow[],
  emailOfIndividual: ReadonlyMap<string, string>,
  context: SalesforceHistoryContext,
  mapped: string[],
  headField: string,
): BackfillSubject {
  const id = String(record['Id']);
  const subject = normalizeEmail(String(record['Email']));
  const hasTrail = /^[0-9a-f]{64}$/.test(String(record[headField] ?? '').trim());
  const history = allHistory.filter((row) => row.ParentId === id);
  const changes: CapturedChange[] = [];
  const createdAt = isoFromSalesforce(record['CreatedDate'])!;
  const createdBy = String(record['CreatedById']);

  if (!hasTrail && !context.integrationUserIds.has(createdBy)) {
    // The values it was created with: the old value of each field's first change, else today's value.
    const fields: FieldChange[] = [];
    for (const field of mapped) {
      const name = context.fieldNames[field]!;
      const first = history.find((row) => row.Field === field && !(row.OldValue === null && row.NewValue === null));
      const value = first ? first.OldValue : record[field];
      if (value === null || value === undefined || value === '') continue;
      fields.push({ name, value: value as FieldValue });
    }
    const automation = context.automationUserIds.has(createdBy);
    changes.push({
      subject,
      externalId: `${context.recordObject}:${id}:created`,
      event: {
        at: createdAt,
        type: 'data.collected',
        source: automation ? { kind: 'crm-automation', name: 'Salesforce automation' } : { kind: 'crm-user', name: 'Salesforce' },
        actor: automation ? { kind: 'system', id: `salesforce-user:${createdBy}` } : { kind: 'staff', id: `salesforce-user:${createdBy}` },
        fields,
      },
    });
  }
  for (const row of history) {
    const result = historyChange(row, context);
    if (!isNotice(result)) changes.push(result);
  }
  if (record['HasOptedOutOfEmail'] === true && !hasTrail && !history.some((row) => row.Field === 'HasOptedOutOfEmail')) {
    const at = isoFromSalesforce(record['LastModifiedDate']) ?? createdAt;
    changes.push({
      subject,
      externalId: `${context.recordObject}:${id}:opted-out`,
      event: { at, type: 'consent.withdrawn', purpose: context.emailOptOutPurpose, channel: 'email', source: { kind: 'import', name: 'Salesforce Email Opt Out' }, reason: 'Email Opt Out is set; Salesforce kept no date for it: this is the date of the last change' },
    });
  }
  for (const row of allConsents) {
    if (consentSubject(row, emailOfIndividual) !== subject) continue;
    const result = consentChange(row, subject, context, false);
    if (!isNotice(result)) changes.push(result);
  }
  return { subject, hasTrail, changes };
}
