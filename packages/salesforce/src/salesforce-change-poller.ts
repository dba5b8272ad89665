import { applyCapturedChanges, CrmApiError, ValidationError, type CapturedChange, type CaptureNotice, type CaptureReport, type CrmAdapter, type PushOptions, type SubjectLocks } from '@optintrail/core';
import { salesforceSchemaNames, type SalesforceAdapterSettings } from './salesforce-adapter';
import { soqlString, type SalesforceClient } from './salesforce-client';
import {
  consentChange,
  consentSubject,
  DEFAULT_SALESFORCE_FIELD_NAMES,
  emailsOfIndividuals,
  historyChange,
  isNotice,
  queryConsents,
  queryHistory,
  soqlDatetime,
  type SalesforceHistoryContext,
} from './salesforce-native-history';

/** Settings shared by the poller and the backfill. */
export interface SalesforceNativeHistorySettings extends Pick<SalesforceAdapterSettings, 'recordObject' | 'fieldPrefix' | 'eventObject'> {
  /** The adapter the trails live in (its client runs the queries). */
  adapter: CrmAdapter & { readonly client: SalesforceClient };
  /** Salesforce field → neutral field name. Default `DEFAULT_SALESFORCE_FIELD_NAMES`. */
  fieldNames?: Readonly<Record<string, string>>;
  /**
   * Users whose changes are OptinTrail's own (echoes, not history). Default: the session's own user,
   * read from `/services/oauth2/userinfo`.
   */
  integrationUserIds?: readonly string[];
  /** Users that stand for automation (e.g. "Automated Process", a flow's running user): their changes are `crm-automation`. */
  automationUserIds?: readonly string[];
  /** DataUsePurpose name → OptinTrail purpose. Default: the name itself (the adapter names purposes so). */
  purposes?: Readonly<Record<string, string>>;
  /** The purpose `HasOptedOutOfEmail` withdraws. Default `newsletter`. */
  emailOptOutPurpose?: string;
}

/** Settings of `pollSalesforceChanges`. */
export interface SalesforceChangePollSettings extends SalesforceNativeHistorySettings {
  /** The cursor the previous poll returned. Without it the poll starts at `since`. */
  cursor?: string;
  /** Where a first poll starts (ISO 8601). Default: now, so the first poll only sets the cursor. */
  since?: string;
  /** History rows and consent changes read per poll, each (the cursor moves past what was read). Default 2,000. */
  maxRows?: number;
  /** Don't write anything; return what would be written. */
  dryRun?: boolean;
  locks?: SubjectLocks;
  pushOptions?: PushOptions;
  /** Clock for the default `since`. */
  now?: () => Date;
}

/** What one poll found and wrote. Persist `cursor` and pass it to the next poll. */
export interface SalesforceChangePollResult {
  cursor: string;
  /** Changes found (before deduplication against the trails). */
  changes: CapturedChange[];
  notices: CaptureNotice[];
  report: CaptureReport;
  /** True when `maxRows` was reached: poll again right away. */
  more: boolean;
}

/** Namespace of the event ids captured from Salesforce history and consent records. */
export const SALESFORCE_CAPTURE_NAMESPACE = 'salesforce';

interface Position {
  after: string;
  lastId: string;
}

interface CursorState {
  history: Position;
  consent: Position;
}

export function encodeSalesforceCursor(state: CursorState): string {
  return `sfc1.${Buffer.from(JSON.stringify(state), 'utf8').toString('base64url')}`;
}

export function decodeSalesforceCursor(cursor: string): CursorState {
  try {
    if (!cursor.startsWith('sfc1.')) throw new Error('prefix');
    const state = JSON.parse(Buffer.from(cursor.slice(5), 'base64url').toString('utf8')) as CursorState;
    for (const position of [state.history, state.consent]) {
      if (typeof position?.after !== 'string' || Number.isNaN(Date.parse(position.after)) || typeof position.lastId !== 'string' || !/^[A-Za-z0-9]*$/.test(position.lastId)) throw new Error('shape');
    }
    return state;
  } catch {
    throw new ValidationError([{ path: 'cursor', reason: 'is not a cursor returned by pollSalesforceChanges' }], 'Salesforce change poll');
  }
}

/** The history context of the settings, with the integration user found when not given. */
export async function historyContext(settings: SalesforceNativeHistorySettings): Promise<SalesforceHistoryContext> {
  const integration = settings.integrationUserIds ?? [await sessionUserId(settings.adapter.client)];
  return {
    recordObject: settings.recordObject ?? 'Contact',
    names: salesforceSchemaNames(settings),
    fieldNames: settings.fieldNames ?? DEFAULT_SALESFORCE_FIELD_NAMES,
    integrationUserIds: new Set(integration.flatMap((id) => [id, id.slice(0, 15)])),
    automationUserIds: new Set((settings.automationUserIds ?? []).flatMap((id) => [id, id.slice(0, 15)])),
    purposes: settings.purposes ?? {},
    emailOptOutPurpose: settings.emailOptOutPurpose ?? 'newsletter',
  };
}

/** The API user's id, from the OpenID Connect userinfo endpoint of the instance. */
async function sessionUserId(client: SalesforceClient): Promise<string> {
  const info = await client.request<{ user_id?: string }>('oauth2.userinfo', 'GET', '/services/oauth2/userinfo');
  if (!info.user_id) throw new ValidationError([{ path: 'integrationUserIds', reason: 'could not be read from /services/oauth2/userinfo; pass the API user id' }], 'Salesforce change capture');
  return info.user_id;
}

/**
 * Salesforce has no webhook to receive (its push channels, CDC and Pub/Sub, are pulled by the
 * subscriber): changes made in the org are polled instead. Each poll reads, since the cursor,
 * the field history rows (`ContactHistory`) and the consent records that changed
 * (`ContactPointTypeConsent`, by `SystemModstamp`), turns them into events — staff edits as
 * `crm-user`, automation users' as `crm-automation`, the API user's as echoes — and writes them
 * through the adapter. Event ids derive from the history row ids, so polling the same rows twice
 * writes nothing. Persist the returned cursor yourself (a file, a database row, a Redis key).
 *
 * ```ts
 * let cursor = await store.get('salesforce-cursor');
 * const result = await pollSalesforceChanges({ adapter, cursor });
 * await store.set('salesforce-cursor', result.cursor);
 * ```
 */
export async function pollSalesforceChanges(settings: SalesforceChangePollSettings): Promise<SalesforceChangePollResult> {
  const client = settings.adapter.client;
  const maxRows = settings.maxRows ?? 2000;
  const start = (settings.since ?? (settings.now ?? (() => new Date()))().toISOString()).trim();
  if (!settings.cursor && Number.isNaN(Date.parse(start))) throw new ValidationError([{ path: 'since', reason: 'must be an ISO 8601 date-time' }], 'Salesforce change poll');
  const state: CursorState = settings.cursor ? decodeSalesforceCursor(settings.cursor) : { history: { after: new Date(start).toISOString(), lastId: '' }, consent: { after: new Date(start).toISOString(), lastId: '' } };
  const context = await historyContext(settings);
  const after = (position: Position, field: string) => {
    const at = soqlDatetime(position.after);
    return position.lastId ? `(${field} > ${at} OR (${field} = ${at} AND Id > ${soqlString(position.lastId)}))` : `${field} >= ${at}`;
  };

  const changes: CapturedChange[] = [];
  const notices: CaptureNotice[] = [];
  const take = (result: CapturedChange | CaptureNotice) => (isNotice(result) ? notices.push(result) : changes.push(result));

  const history = await queryHistory(client, context, after(state.history, 'CreatedDate'), maxRows);
  for (const row of history) take(historyChange(row, context));
  const lastHistory = history.at(-1);
  const historyPosition = lastHistory ? { after: lastHistory.CreatedDate, lastId: lastHistory.Id } : state.history;

  let consents: Awaited<ReturnType<typeof queryConsents>> = [];
  try {
    consents = await queryConsents(client, context, after(state.consent, 'SystemModstamp'), maxRows);
  } catch (error) {
    // Orgs without Data Protection and Privacy have no consent objects: only history is polled.
    if (!(CrmApiError.isInstance(error) && /INVALID_TYPE|sObject type/i.test(`${error.vendorCode} ${error.message}`))) throw error;
  }
  const individuals = await emailsOfIndividuals(client, context, consents.filter((row) => !row.OptinTrailKey && row.PartyId).map((row) => row.PartyId!));
  for (const row of consents) {
    const subject = consentSubject(row, individuals);
    if (!subject) notices.push({ kind: 'ignored', externalId: `ContactPointTypeConsent:${row.Id}`, reason: 'no Contact or Lead with an email belongs to its Individual' });
    else take(consentChange(row, subject, context, true));
  }
  const lastConsent = consents.at(-1);
  const consentPosition = lastConsent ? { after: lastConsent.SystemModstamp, lastId: lastConsent.Id } : state.consent;

  const report: CaptureReport = settings.dryRun
    ? { subjects: new Set(changes.map((change) => change.subject)).size, eventsWritten: 0, duplicates: 0, failures: [] }
    : await applyCapturedChanges(settings.adapter, changes, {
        namespace: SALESFORCE_CAPTURE_NAMESPACE,
        ...(settings.locks ? { locks: settings.locks } : {}),
        ...(settings.pushOptions ? { pushOptions: settings.pushOptions } : {}),
      });
  // The cursor only moves past what was written: a failed subject is read again next time.
  const failed = report.failures.length > 0;
  return {
    cursor: encodeSalesforceCursor(failed ? state : { history: historyPosition, consent: consentPosition }),
    changes,
    notices,
    report,
    more: history.length >= maxRows || consents.length >= maxRows,
  };
}
