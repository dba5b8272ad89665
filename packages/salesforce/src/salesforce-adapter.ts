import {
  assembleTrail,
  chunk,
  CrmApiError,
  CrmAuthenticationError,
  decodeSummaryFields,
  decodeTimelineEntry,
  normalizeEmail,
  runPushPipeline,
  TrailIntegrityError,
  ValidationError,
  verifyTrail,
  type Channel,
  type CrmAdapter,
  type DecodedSummary,
  type ErasureReceipt,
  type ExistingTrailInfo,
  type PlannedWrite,
  type ProvenanceEvent,
  type PushFailure,
  type SchemaReport,
  type Touchpoint,
  type Trail,
} from '@optintrail/core';
import { SalesforceClient, soqlString, type SalesforceConnectionSettings } from './salesforce-client';
import { createCallSlots, writeCollections, COLLECTION_MAX_RECORDS, type CollectionStep, type PlannedRecord, type RecordOutcome } from './salesforce-collection-writer';
import { consentRecord, individualRecord } from './salesforce-consent-interop';
import { describeRecordErrors, SALESFORCE_ADAPTER_ID } from './salesforce-error';
import { eventPayloadFits, eventRecord, newRecordFields, summaryFromRecord, summaryRecordFields, type SummaryOptions } from './salesforce-records';
import { compositeBatchSizeFor, peekTrails } from './salesforce-batch-size';
import { queryGroups, QUERY_PAGE_RECORDS, runQueries } from './salesforce-queries';
import { createSalesforceRectify, DEFAULT_SALESFORCE_DATA_FIELDS, type SalesforceRectifySettings } from './salesforce-rectify';
import { consentFieldPlans, eventFieldPlans, eventObjectMetadata, recordFieldPlans, schemaNames, type SalesforceFieldPlan, type SalesforceSchemaNames } from './salesforce-schema-plan';

/**
 * Settings of `createSalesforceAdapter`. Only the connection is required; the rest has defaults that
 * suit a newsletter consent kept on Contacts.
 */
export interface SalesforceAdapterSettings extends SalesforceConnectionSettings, SalesforceRectifySettings {
  /** Where subjects live: `Contact` (default) or `Lead`. New subjects are created as this object. */
  recordObject?: 'Contact' | 'Lead';
  /** The consent the summary fields (and ContactPointTypeConsent) describe. Default `newsletter`. */
  purpose?: string;
  /** Its channel. Default `email`. */
  channel?: Channel;
  /** Time zone of the days shown in summary fields and reminders. Default `UTC`. */
  timeZone?: string;
  /** Touchpoint wording of the ready-to-merge reminder fields. Default `email-footer`. */
  reminderTouchpoint?: Touchpoint;
  /** Prefix of the fields added to Contact / Lead / Individual / ContactPointTypeConsent. Default `OptinTrail_`. */
  fieldPrefix?: string;
  /** API name of the event object. Default `OptinTrail_Event__c`. */
  eventObject?: string;
  /**
   * Write Salesforce's consent model (Individual, ContactPointTypeConsent, DataUsePurpose) from the
   * trail. `auto` (default): when the org has Data Protection and Privacy on; `true`: always (schema
   * problems are reported when it is off); `false`: never.
   */
  consentInterop?: boolean | 'auto';
  /**
   * `collections`: one sObject Collections call per 200 records, reads as GET queries.
   * `composite`: up to five Collections chunks or queries per Composite call (counted once by
   * Salesforce). `auto` (default): Composite whenever a batch needs more than one call.
   */
  transport?: 'collections' | 'composite' | 'auto';
  /**
   * Subjects per batch: each batch is read (its records, then their stored event ids), then written.
   * Default 200 with `collections`; with `composite` and `auto` {@link DEFAULT_SALESFORCE_COMPOSITE_BATCH_SIZE}
   * (7,000), so that a batch's read takes one Composite call and its writes fill every Composite call.
   * The push holds two batches at most (one read while the other writes): their trails, the records
   * planned for them and the rows read.
   */
  batchSize?: number;
  /**
   * Write calls (Composite or Collections) in flight at once, across the batches of a push. Default 4.
   * Salesforce has no per-second limit and a Composite of 1,000 records takes seconds, so one call
   * at a time leaves the time to latency; an org allows 25 requests of 20 s or more at once. Calls
   * run side by side only within one step (contacts, then events): an event names its contact. A
   * batch's read overlaps the previous batch's writes.
   */
  concurrency?: number;
  /** Records Salesforce refuses for a lock (UNABLE_TO_LOCK_ROW) are sent again: how often and after how long. Default 2 times, 250 ms apart (growing). */
  recordRetries?: { attempts?: number; delayMs?: number };
  /** LastName (and Lead Company) of records OptinTrail creates when the trail has none. Default `[not provided]`. */
  placeholderName?: string;
  /** Clock of erasure receipts. Default `() => new Date()`. */
  now?: () => Date;
}

interface KnownRecord {
  id: string;
  individualId: string | null;
}

interface InteropState {
  active: boolean;
  dataUsePurposeId: string | null;
}

/** Subjects (or record ids) per direct GET query: a read in `collections` mode. */
const SUBJECTS_PER_QUERY = 200;

/**
 * Subjects per batch with Composite. The read of a batch is one query per group of subjects whose
 * SOQL (each address listed twice: subject key IN (…) OR Email IN (…)) stays under 100,000
 * characters, five queries per Composite call. An address of L characters costs 2 × (L + 4)
 * characters (quotes and separator), about 200 go to the rest of the statement: with addresses
 * averaging up to 31 characters a query holds 1,400 subjects and five hold 7,000, so the read takes
 * one call. Its writes are 35 Contact chunks and, at 3 events each, 105 event chunks of 200: 140
 * chunks, 28 Composite calls filled to five, none half empty (a multiple of 1,000 keeps every chunk
 * whole). Per 1,000 subjects that is 4 write calls, the floor, plus 1/7 of a read call.
 * Longer addresses take a second read call per batch, never a failure.
 */
export const DEFAULT_SALESFORCE_COMPOSITE_BATCH_SIZE = 7_000;

/**
 * An OptinTrail adapter for Salesforce, on jsforce. Summary fields go on the Contact (or Lead), one
 * `OptinTrail_Event__c` record per event (upserted on its event id, so re-runs write nothing twice),
 * and, where the org uses it, Salesforce's own consent model. See the package README.
 */
export function createSalesforceAdapter(settings: SalesforceAdapterSettings = {}): CrmAdapter & { readonly client: SalesforceClient } {
  const client = new SalesforceClient(settings);
  const names = schemaNames({ recordObject: settings.recordObject ?? 'Contact', fieldPrefix: settings.fieldPrefix ?? 'OptinTrail_', eventObject: settings.eventObject ?? 'OptinTrail_Event__c' });
  const summaryOptions: SummaryOptions = {
    purpose: settings.purpose ?? 'newsletter',
    channel: settings.channel ?? 'email',
    timeZone: settings.timeZone ?? 'UTC',
    reminderTouchpoint: settings.reminderTouchpoint ?? 'email-footer',
  };
  const transportSetting = settings.transport ?? 'auto';
  const interopSetting = settings.consentInterop ?? 'auto';
  const placeholder = settings.placeholderName ?? '[not provided]';
  const now = settings.now ?? (() => new Date());
  const concurrency = settings.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError([{ path: 'concurrency', reason: `is ${String(settings.concurrency)}; expected a whole number of calls, 1 or more (default 4)` }], 'Cannot create the Salesforce adapter');
  }
  // One set of call slots for the adapter: batches in flight at once share it.
  const writeOptions = { recordRetries: settings.recordRetries?.attempts ?? 2, retryDelayMs: settings.recordRetries?.delayMs ?? 250, slots: createCallSlots(concurrency) };
  const batchSize = settings.batchSize ?? (transportSetting === 'collections' ? COLLECTION_MAX_RECORDS : DEFAULT_SALESFORCE_COMPOSITE_BATCH_SIZE);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValidationError([{ path: 'batchSize', reason: `is ${String(settings.batchSize)}; expected a whole number of subjects, 1 or more (default ${DEFAULT_SALESFORCE_COMPOSITE_BATCH_SIZE.toLocaleString('en')} with Composite)` }], 'Cannot create the Salesforce adapter');
  }
  let interop: InteropState | undefined = interopSetting === false ? { active: false, dataUsePurposeId: null } : undefined;
  let resolvingInterop: Promise<void> | undefined;
  /**
   * The records `readExisting` found, for the `write` of the same batch: by subject, as batches in
   * flight at once never share a subject; a batch's entries go when its write ends.
   */
  const known = new Map<string, KnownRecord>();

  const recordObject = names.recordObject;

  // ---- reading -------------------------------------------------------------------------------

  async function describe(objectName: string): Promise<Set<string> | null> {
    try {
      const result = await client.request<{ fields: Array<{ name: string }> }>(`describe ${objectName}`, 'GET', `/sobjects/${objectName}/describe`);
      return new Set(result.fields.map((field) => field.name.toLowerCase()));
    } catch (error) {
      if (CrmApiError.isInstance(error) && error.vendorCode === 'NOT_FOUND') return null;
      throw error;
    }
  }

  function recordFieldList(extra: string[]): string {
    const fields = ['Id', 'Email', names.subjectKey, 'CreatedDate', ...(interop?.active ? ['IndividualId'] : []), ...extra];
    return [...new Set(fields)].join(', ');
  }

  function matchClause(subjects: string[]): string {
    const list = subjects.map(soqlString).join(', ');
    return `${names.subjectKey} IN (${list}) OR Email IN (${list})`;
  }

  /** The subject's record: the one keyed by it, else the oldest with its email. */
  function pick(rows: Array<Record<string, unknown>>, subject: string): Record<string, unknown> | undefined {
    const keyed = rows.find((row) => typeof row[names.subjectKey] === 'string' && normalizeEmail(row[names.subjectKey] as string) === subject);
    return keyed ?? rows.find((row) => typeof row['Email'] === 'string' && normalizeEmail(row['Email'] as string) === subject && !row[names.subjectKey]);
  }

  /**
   * The records of these subjects. One GET when it fits; with `collections`, GETs by subject key,
   * then by email for the subjects not found (a re-run finds everyone by key, in half the calls);
   * otherwise queries matching both, as long as 100,000 characters of SOQL and one page of rows
   * allow, five per Composite call.
   */
  async function subjectRecords(subjects: string[], fields: string): Promise<Array<Record<string, unknown>>> {
    const operation = `query ${recordObject}`;
    const select = (where: string) => `SELECT ${fields} FROM ${recordObject} WHERE ${where} ORDER BY CreatedDate ASC, Id ASC`;
    const list = (group: string[]) => group.map(soqlString).join(', ');
    const both = (group: string[]) => select(`${names.subjectKey} IN (${list(group)}) OR Email IN (${list(group)})`);
    const direct = { inComposite: false, maxItems: SUBJECTS_PER_QUERY };
    const single = queryGroups(client, subjects, both, direct);
    if (single.length <= 1) return (await runQueries(client, operation, single.map(both), false)).flat();
    if (transportSetting !== 'collections') return (await runQueries(client, operation, queryGroups(client, subjects, both, { inComposite: true }).map(both), true)).flat();
    const byKey = (group: string[]) => select(`${names.subjectKey} IN (${list(group)})`);
    const byEmail = (group: string[]) => select(`Email IN (${list(group)})`);
    const keyed = (await runQueries(client, operation, queryGroups(client, subjects, byKey, direct).map(byKey), false)).flat();
    const found = new Set(keyed.map((row) => (typeof row[names.subjectKey] === 'string' ? normalizeEmail(row[names.subjectKey] as string) : '')));
    const rest = subjects.filter((subject) => !found.has(subject));
    if (rest.length === 0) return keyed;
    return [...keyed, ...(await runQueries(client, operation, queryGroups(client, rest, byEmail, direct).map(byEmail), false)).flat()];
  }

  /**
   * The event ids and hashes stored under each of these records (ids compared on their 15-character
   * form). With Composite, the queries are grouped by the trail length each record claims, so each
   * answers in one page.
   */
  async function storedEventsOf(records: Array<{ id: string; length: number | undefined }>): Promise<Map<string, { ids: Set<string>; hashes: Set<string> }>> {
    const stored = new Map(records.map(({ id }) => [id.slice(0, 15), { ids: new Set<string>(), hashes: new Set<string>() }]));
    if (records.length === 0) return stored;
    const claimed = new Map(records.map(({ id, length }) => [id, Math.max(1, length ?? 1)]));
    const select = (group: string[]) =>
      `SELECT ${names.event.parent}, ${names.event.id}, ${names.event.hash} FROM ${names.eventObject} WHERE ${names.event.parent} IN (${group.map(soqlString).join(', ')})`;
    const ids = records.map(({ id }) => id);
    const operation = `query ${names.eventObject}`;
    const direct = queryGroups(client, ids, select, { inComposite: false, maxItems: SUBJECTS_PER_QUERY });
    const inComposite = transportSetting !== 'collections' && direct.length > 1;
    const groups = inComposite ? queryGroups(client, ids, select, { inComposite: true, rows: (id) => Math.min(claimed.get(id) ?? 1, QUERY_PAGE_RECORDS) }) : direct;
    const results = await runQueries(client, operation, groups.map(select), inComposite);
    for (const row of results.flat()) {
      const entry = stored.get(String(row[names.event.parent]).slice(0, 15));
      if (!entry) continue;
      if (typeof row[names.event.id] === 'string') entry.ids.add(row[names.event.id] as string);
      if (typeof row[names.event.hash] === 'string') entry.hashes.add(row[names.event.hash] as string);
    }
    return stored;
  }

  async function readExisting(subjects: string[]): Promise<Map<string, ExistingTrailInfo>> {
    await resolveInterop();
    const rows = await subjectRecords(subjects, recordFieldList([names.summary.trailHead, names.summary.trailLength]));
    for (const subject of subjects) known.delete(subject);
    const anchored: Array<{ subject: string; id: string; head: string; length: number | undefined }> = [];
    for (const subject of subjects) {
      const row = pick(rows, subject);
      if (!row) continue;
      known.set(subject, { id: String(row['Id']), individualId: typeof row['IndividualId'] === 'string' ? row['IndividualId'] : null });
      const head = row[names.summary.trailHead];
      const length = row[names.summary.trailLength];
      if (typeof head === 'string' && head !== '') anchored.push({ subject, id: String(row['Id']), head, length: typeof length === 'number' ? length : undefined });
    }
    // The summary is written before the event records: a push killed in between leaves a head that
    // claims events which are not there. The event records are what is stored; the head counts only
    // where they end.
    let stored: Awaited<ReturnType<typeof storedEventsOf>>;
    try {
      stored = await storedEventsOf(anchored);
    } catch (error) {
      // A batch whose read fails is never written: its records must not linger.
      for (const subject of subjects) known.delete(subject);
      throw error;
    }
    const existing = new Map<string, ExistingTrailInfo>();
    for (const { subject, id, head, length } of anchored) {
      const events = stored.get(id.slice(0, 15))!;
      const consistent = length !== undefined && events.ids.size === length && events.hashes.has(head);
      existing.set(subject, consistent ? { head, length, eventIds: events.ids } : { head: null, eventIds: events.ids });
    }
    return existing;
  }

  // ---- consent interop -----------------------------------------------------------------------

  async function dataUsePurposeId(create: boolean): Promise<{ id: string | null; created: boolean }> {
    const rows = await client.query<{ Id: string }>('query DataUsePurpose', `SELECT Id FROM DataUsePurpose WHERE Name = ${soqlString(summaryOptions.purpose)} ORDER BY CreatedDate ASC LIMIT 1`);
    if (rows[0]) return { id: rows[0].Id, created: false };
    if (!create) return { id: null, created: false };
    const result = await client.request<{ id: string }>('create DataUsePurpose', 'POST', '/sobjects/DataUsePurpose', {
      Name: summaryOptions.purpose,
      Description: `Written by OptinTrail: consent to "${summaryOptions.purpose}" (${summaryOptions.channel}).`,
    });
    return { id: result.id, created: true };
  }

  /** Decides once per adapter whether the consent model is written (when ensureSchema did not already). */
  function resolveInterop(): Promise<void> {
    if (interop) return Promise.resolve();
    // Batches in flight at once share one answer (and never create the DataUsePurpose twice).
    resolvingInterop ??= decideInterop().finally(() => {
      resolvingInterop = undefined;
    });
    return resolvingInterop;
  }

  async function decideInterop(): Promise<void> {
    const consentFields = await describe('ContactPointTypeConsent');
    const individualFields = consentFields ? await describe('Individual') : null;
    const ready = Boolean(consentFields?.has(names.consentKey.toLowerCase()) && individualFields?.has(names.subjectKey.toLowerCase()));
    interop = { active: ready, dataUsePurposeId: ready ? (await dataUsePurposeId(true)).id : null };
  }

  // ---- schema --------------------------------------------------------------------------------

  async function ensureSchema(): Promise<SchemaReport> {
    const report: Required<SchemaReport> = { created: [], existing: [], problems: [] };
    const problem = (name: string, error: unknown) => {
      if (error instanceof CrmAuthenticationError) throw error;
      report.problems.push({ name, reason: error instanceof Error ? error.message : String(error) });
    };
    const described = new Map<string, Set<string> | null>();
    const fieldsOf = async (objectName: string) => {
      if (!described.has(objectName)) described.set(objectName, await describe(objectName));
      return described.get(objectName)!;
    };
    const createdOn = new Set<string>();

    const ensureFields = async (plans: SalesforceFieldPlan[]) => {
      for (const plan of plans) {
        const name = `${plan.objectName}.${plan.fieldName}`;
        const fields = await fieldsOf(plan.objectName);
        if (!fields) continue;
        if (fields.has(plan.fieldName.toLowerCase())) {
          report.existing.push(name);
          continue;
        }
        try {
          await client.request('tooling.create CustomField', 'POST', '/tooling/sobjects/CustomField', { FullName: name, Metadata: plan.metadata });
          report.created.push(name);
          createdOn.add(plan.objectName);
        } catch (error) {
          problem(name, error);
        }
      }
    };

    const recordFields = await fieldsOf(recordObject);
    if (!recordFields) problem(recordObject, new Error(`the ${recordObject} object is not available to this user`));
    await ensureFields(recordFieldPlans(names));

    const eventFields = await fieldsOf(names.eventObject);
    if (eventFields) report.existing.push(names.eventObject);
    else {
      try {
        await client.request('tooling.create CustomObject', 'POST', '/tooling/sobjects/CustomObject', { FullName: names.eventObject, Metadata: eventObjectMetadata() });
        report.created.push(names.eventObject);
        described.set(names.eventObject, new Set(['id', 'name']));
        createdOn.add(names.eventObject);
      } catch (error) {
        problem(names.eventObject, error);
      }
    }
    await ensureFields(eventFieldPlans(names));

    if (interopSetting !== false) {
      const available = (await fieldsOf('ContactPointTypeConsent')) !== null && (await fieldsOf('Individual')) !== null;
      if (!available) {
        if (interopSetting === true) problem('ContactPointTypeConsent', new Error('Salesforce consent objects are missing: switch on Data Protection and Privacy in Setup, or set consentInterop: false'));
        interop = { active: false, dataUsePurposeId: null };
      } else {
        const before = report.problems.length;
        await ensureFields(consentFieldPlans(names));
        let purposeId: string | null = null;
        if (report.problems.length === before) try {
          const purpose = await dataUsePurposeId(true);
          purposeId = purpose.id;
          (purpose.created ? report.created : report.existing).push(`DataUsePurpose:${summaryOptions.purpose}`);
        } catch (error) {
          problem(`DataUsePurpose:${summaryOptions.purpose}`, error);
        }
        interop = { active: report.problems.length === before, dataUsePurposeId: purposeId };
      }
    }

    // Fields created through the Tooling API stay invisible until field-level security grants them.
    for (const objectName of createdOn) {
      described.delete(objectName);
      const visible = await fieldsOf(objectName);
      for (const name of report.created) {
        const [owner, field] = name.split('.');
        if (owner === objectName && field && !visible?.has(field.toLowerCase())) {
          report.problems.push({ name, reason: 'created but not visible to the integration user: grant it field-level security (for example in a permission set)' });
        }
      }
    }
    return report.problems.length > 0 ? report : { created: report.created, existing: report.existing };
  }

  // ---- writing -------------------------------------------------------------------------------

  async function write(plan: PlannedWrite[]): Promise<PushFailure[]> {
    try {
      return await writeBatch(plan);
    } finally {
      for (const { trail } of plan) known.delete(trail.subject);
    }
  }

  async function writeBatch(plan: PlannedWrite[]): Promise<PushFailure[]> {
    const failures: PushFailure[] = [];
    const individuals: PlannedRecord[] = [];
    const inserts: PlannedRecord[] = [];
    const updates: PlannedRecord[] = [];
    const consents: PlannedRecord[] = [];
    const events: PlannedRecord[] = [];
    const active = interop?.active === true;

    // Contact and event records are built when their chunk is sent: a batch holds its trails, not
    // their encoded records (about 5 KB per subject with 3 events).
    for (const { trail, newEvents } of plan) {
      const subject = trail.subject;
      const record = known.get(subject);
      // Built once at most: the consent record reads its source from it too.
      let summaryFields: Record<string, unknown> | undefined;
      const summary = () => (summaryFields ??= summaryRecordFields(trail, names, summaryOptions));
      const needsIndividual = active && !record?.individualId;
      if (needsIndividual) individuals.push({ record: individualRecord(subject, names, newRecordFields(trail, names, placeholder)), owner: { subject, role: 'individual' } });
      const link = needsIndividual ? { Individual: { [names.subjectKey]: subject } } : {};
      if (record) {
        updates.push({ record: () => ({ attributes: { type: recordObject }, id: record.id, [names.subjectKey]: subject, ...summary(), ...link }), owner: { subject, role: 'record' } });
      } else {
        inserts.push({ record: () => ({ attributes: { type: recordObject }, [names.subjectKey]: subject, ...newRecordFields(trail, names, placeholder), ...summary(), ...link }), owner: { subject, role: 'record' } });
      }
      if (active) {
        const consent = consentRecord(trail, names, {
          purpose: summaryOptions.purpose,
          channel: summaryOptions.channel,
          dataUsePurposeId: interop?.dataUsePurposeId ?? null,
          individualId: record?.individualId ?? null,
          captureSource: (summary()[names.summary.consentSource] as string | null) ?? null,
        });
        if (consent) consents.push({ record: consent, owner: { subject, role: 'consent' } });
      }
      for (const event of newEvents) {
        if (!eventPayloadFits(event, subject, names)) {
          failures.push({ subject, eventId: event.id, kind: 'validation', reason: `the stored event is longer than the ${names.event.payload} field (131,072 characters)` });
          continue;
        }
        events.push({ record: () => eventRecord(event, subject, names), owner: { subject, role: 'event', eventId: event.id } });
      }
    }

    const steps: CollectionStep[] = [
      { kind: 'upsert', objectName: 'Individual', externalIdField: names.subjectKey, items: individuals },
      { kind: 'upsert', objectName: recordObject, externalIdField: names.subjectKey, items: inserts },
      { kind: 'update', items: updates },
      { kind: 'upsert', objectName: 'ContactPointTypeConsent', externalIdField: names.consentKey, items: consents },
      { kind: 'upsert', objectName: names.eventObject, externalIdField: names.event.id, items: events },
    ];
    const chunks = steps.reduce((total, step) => total + Math.ceil(step.items.length / COLLECTION_MAX_RECORDS), 0);
    const transport = transportSetting === 'collections' || (transportSetting === 'auto' && chunks <= 1) ? 'direct' : 'composite';
    const outcomes = await writeCollections(client, steps, transport, writeOptions);
    failures.push(...(await settle(plan, outcomes)));
    return failures;
  }

  /**
   * Turns record outcomes into failures. A subject whose record was written but some event (or its
   * consent record) was not gets its summary anchors rolled back to the longest prefix of its trail
   * that is fully stored, so the next push writes the rest instead of believing it is there.
   */
  async function settle(plan: PlannedWrite[], outcomes: RecordOutcome[]): Promise<PushFailure[]> {
    const failures: PushFailure[] = [];
    const subjectFailure = new Map<string, PushFailure>();
    const recordIds = new Map<string, string>();
    const failedEvents = new Map<string, Map<string, RecordOutcome>>();
    const failedConsents = new Map<string, RecordOutcome>();
    for (const outcome of outcomes) {
      const { subject, role } = outcome.owner;
      if (role === 'record' && outcome.success && outcome.id) recordIds.set(subject, outcome.id);
      if (outcome.success) continue;
      const { reason, vendorCode } = describeRecordErrors(outcome.errors);
      if ((role === 'individual' || role === 'record') && !subjectFailure.has(subject)) {
        const label = role === 'individual' ? 'Individual' : recordObject;
        subjectFailure.set(subject, { subject, kind: 'vendor', reason: `${label}: ${reason}`, ...(vendorCode ? { vendorCode } : {}) });
      } else if (role === 'event') {
        const perSubject = failedEvents.get(subject) ?? new Map<string, RecordOutcome>();
        perSubject.set(outcome.owner.eventId!, outcome);
        failedEvents.set(subject, perSubject);
      } else if (role === 'consent') {
        failedConsents.set(subject, outcome);
      }
    }
    failures.push(...subjectFailure.values());

    const repairs: PlannedRecord[] = [];
    for (const { trail, newEvents } of plan) {
      const subject = trail.subject;
      if (subjectFailure.has(subject)) continue;
      const eventFailures = failedEvents.get(subject);
      const consentFailure = failedConsents.get(subject);
      if (!eventFailures && !consentFailure) continue;
      const stored = trail.events.length - newEvents.length;
      let keep = trail.events.length;
      if (consentFailure) {
        const { reason, vendorCode } = describeRecordErrors(consentFailure.errors);
        failures.push({ subject, kind: 'vendor', reason: `ContactPointTypeConsent: ${reason}`, ...(vendorCode ? { vendorCode } : {}) });
        keep = stored;
      } else {
        for (const [index, event] of newEvents.entries()) {
          const failed = eventFailures!.get(event.id);
          if (!failed) continue;
          const { reason, vendorCode } = describeRecordErrors(failed.errors);
          failures.push({ subject, eventId: event.id, kind: 'vendor', reason: `${names.eventObject}: ${reason}`, ...(vendorCode ? { vendorCode } : {}) });
          keep = Math.min(keep, stored + index);
        }
      }
      const id = recordIds.get(subject) ?? known.get(subject)?.id;
      if (!id) continue;
      const prefix: Trail | null = keep > 0 ? { subject, events: trail.events.slice(0, keep) } : null;
      repairs.push({ record: { attributes: { type: recordObject }, id, ...summaryRecordFields(prefix, names, summaryOptions) }, owner: { subject, role: 'repair' } });
    }
    if (repairs.length > 0) {
      for (const outcome of await writeCollections(client, [{ kind: 'update', items: repairs }], 'direct', writeOptions)) {
        if (outcome.success) continue;
        const { reason, vendorCode } = describeRecordErrors(outcome.errors);
        failures.push({
          subject: outcome.owner.subject,
          kind: 'vendor',
          reason: `the summary fields could not be rolled back after a failed write (${reason}); pull reports the trail as incomplete until a push succeeds`,
          ...(vendorCode ? { vendorCode } : {}),
        });
      }
    }
    return failures;
  }

  // ---- pull and erase ------------------------------------------------------------------------

  async function findRecords(email: string, extra: string[]): Promise<{ chosen: Record<string, unknown> | undefined; all: Array<Record<string, unknown>> }> {
    await resolveInterop();
    const rows = await client.query<Record<string, unknown>>(
      `query ${recordObject}`,
      `SELECT ${recordFieldList(extra)} FROM ${recordObject} WHERE ${matchClause([email])} ORDER BY CreatedDate ASC, Id ASC`,
    );
    return { chosen: pick(rows, email), all: rows };
  }

  async function storedEvents(recordId: string): Promise<Array<Record<string, unknown>>> {
    return client.query<Record<string, unknown>>(
      `query ${names.eventObject}`,
      `SELECT Id, ${names.event.id}, ${names.event.payload} FROM ${names.eventObject} WHERE ${names.event.parent} = ${soqlString(recordId)} ORDER BY ${names.event.occurredAt} ASC, ${names.event.id} ASC`,
    );
  }

  const adapter: CrmAdapter & { readonly client: SalesforceClient } = {
    specificationVersion: 'v1',
    id: SALESFORCE_ADAPTER_ID,
    capabilities: { erase: true, rectify: true, export: false, captureChanges: true },
    client,
    ensureSchema,

    async push(trails, options = {}) {
      // Calls of this push only (the runner counts every call of the adapter, schema checks included).
      const callsBefore = client.runner.calls;
      let input = trails;
      let size = batchSize;
      if (settings.batchSize === undefined && transportSetting !== 'collections') {
        // Long addresses fit fewer to a read query: size the batches on the first trails.
        const peeked = await peekTrails(trails, 1_000);
        input = peeked.all;
        const subjects = peeked.sample.flatMap((trail) => (trail && typeof (trail as Trail).subject === 'string' ? [(trail as Trail).subject] : []));
        size = compositeBatchSizeFor(subjects, batchSize);
      }
      return runPushPipeline(input, options, {
        adapter: SALESFORCE_ADAPTER_ID,
        batchSize: size,
        // Two batches: the next one's read overlaps this one's writes; the call slots bound the calls.
        concurrency: concurrency > 1 ? 2 : 1,
        apiCalls: () => client.runner.calls - callsBefore,
        readExisting,
        write,
      });
    },

    async pull(subject, options = {}) {
      const verify = options.verify !== false;
      const email = normalizeEmail(subject.email);
      const { chosen: row } = await findRecords(email, Object.values(names.summary));
      if (!row) return null;
      let summary: DecodedSummary | null = null;
      try {
        summary = decodeSummaryFields(summaryFromRecord(row, names));
      } catch (error) {
        if (!ValidationError.isInstance(error)) throw error;
        if (verify) {
          throw new TrailIntegrityError({ eventId: undefined, index: 0, problem: 'head-mismatch', detail: `the OptinTrail summary fields were changed outside OptinTrail (${error.message})` });
        }
      }
      const rows = await storedEvents(String(row['Id']));
      if (rows.length === 0 && !summary?.trailHead) return null;
      const events: ProvenanceEvent[] = [];
      for (const [index, stored] of rows.entries()) {
        try {
          events.push(decodeTimelineEntry(String(stored[names.event.payload] ?? '')));
        } catch (error) {
          if (!ValidationError.isInstance(error)) throw error;
          if (verify) {
            const eventId = typeof stored[names.event.id] === 'string' ? (stored[names.event.id] as string) : undefined;
            throw new TrailIntegrityError({ eventId, index, problem: 'malformed-event', detail: `its stored payload no longer reads as an event (${error.message})` });
          }
        }
      }
      const trail = assembleTrail(email, events);
      if (verify) {
        const result = verifyTrail(trail, { expectedHead: summary?.trailHead ?? null, ...(summary?.trailLength !== undefined ? { expectedLength: summary.trailLength } : {}) });
        if (!result.valid) throw result.error;
      }
      return trail;
    },

    async erase(subject, request): Promise<ErasureReceipt> {
      void request;
      const email = normalizeEmail(subject.email);
      // Every record keyed by the subject or carrying the email is the person's.
      const { chosen, all: mine } = await findRecords(email, [names.summary.trailHead]);
      const head = chosen && typeof chosen[names.summary.trailHead] === 'string' ? (chosen[names.summary.trailHead] as string) : null;
      const removed: string[] = [];
      const ids: string[] = [];
      let eventCount = 0;
      for (const row of mine) {
        const eventIds = (await storedEvents(String(row['Id']))).map((event) => String(event['Id']));
        eventCount += eventIds.length;
        ids.push(...eventIds);
      }
      const individualIds = [...new Set(mine.map((row) => row['IndividualId']).filter((id): id is string => typeof id === 'string'))];
      let consentCount = 0;
      const ownIndividuals: string[] = [];
      if (interop?.active && individualIds.length > 0) {
        const list = individualIds.map(soqlString).join(', ');
        const consentIds = (await client.query<{ Id: string }>('query ContactPointTypeConsent', `SELECT Id FROM ContactPointTypeConsent WHERE PartyId IN (${list}) AND ${names.consentKey} != null`)).map((row) => row.Id);
        consentCount = consentIds.length;
        ids.push(...consentIds);
        // Only Individuals OptinTrail created; one the org made may carry other people's processes.
        const individuals = await client.query<{ Id: string }>('query Individual', `SELECT Id FROM Individual WHERE Id IN (${list}) AND ${names.subjectKey} != null`);
        ownIndividuals.push(...individuals.map((row) => row.Id));
      }
      ids.push(...mine.map((row) => String(row['Id'])), ...ownIndividuals);
      const failed: string[] = [];
      for (const group of chunk(ids, COLLECTION_MAX_RECORDS)) {
        const results = await client.request<Array<{ id?: string; success: boolean; errors: Array<{ statusCode?: string; message?: string }> }>>(
          'composite.sobjects.delete',
          'DELETE',
          `/composite/sobjects?ids=${group.join(',')}&allOrNone=false`,
        );
        for (const [index, result] of results.entries()) {
          if (!result.success && result.errors[0]?.statusCode !== 'ENTITY_IS_DELETED') failed.push(`${group[index]}: ${describeRecordErrors(result.errors).reason}`);
        }
      }
      if (failed.length > 0) {
        throw new CrmApiError({ adapter: SALESFORCE_ADAPTER_ID, operation: 'erase', message: `erasure incomplete, ${failed.length} record(s) could not be deleted: ${failed.join('; ')}`, isRetryable: false });
      }
      for (const row of mine) removed.push(`${recordObject} ${String(row['Id'])}`);
      removed.push(`${eventCount} ${names.eventObject} records`);
      if (consentCount > 0) removed.push(`${consentCount} ContactPointTypeConsent records`);
      for (const id of ownIndividuals) removed.push(`Individual ${id}`);
      return {
        adapter: SALESFORCE_ADAPTER_ID,
        erasedAt: now().toISOString(),
        removed: mine.length > 0 ? removed : [],
        mechanism: 'Salesforce REST sObject Collections delete; deleted records stay in the Recycle Bin for up to 15 days unless it is emptied',
        trailHead: head,
      };
    },
  };
  // Rectify: the mapped field on the record, then the data.rectified event (see salesforce-rectify.ts).
  adapter.rectify = createSalesforceRectify({
    client,
    recordObject,
    dataFields: settings.dataFields ?? DEFAULT_SALESFORCE_DATA_FIELDS[recordObject],
    findRecordId: async (email) => {
      const { chosen } = await findRecords(email, []);
      return chosen ? String(chosen['Id']) : undefined;
    },
    pull: (subject, options) => adapter.pull(subject, options),
    push: (trails, options) => adapter.push(trails, options),
  });
  return adapter;
}

/** The names the adapter uses in the org, for tests and reports. */
export function salesforceSchemaNames(settings: Pick<SalesforceAdapterSettings, 'recordObject' | 'fieldPrefix' | 'eventObject'> = {}): SalesforceSchemaNames {
  return schemaNames({ recordObject: settings.recordObject ?? 'Contact', fieldPrefix: settings.fieldPrefix ?? 'OptinTrail_', eventObject: settings.eventObject ?? 'OptinTrail_Event__c' });
}
