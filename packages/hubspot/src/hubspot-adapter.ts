import {
  chunk,
  CrmApiError,
  planWrite,
  encodeSummaryFields,
  normalizeEmail,
  runPushPipeline,
  SUMMARY_FIELD_KEYS,
  TrailIntegrityError,
  assembleTrail,
  verifyTrail,
  type Channel,
  type CrmAdapter,
  type ErasureReceipt,
  type ExistingTrailInfo,
  type PlannedWrite,
  type ProvenanceEvent,
  type PushFailure,
  type SchemaReport,
  type SummaryFieldKey,
  type SummaryReminder,
  type Trail,
} from '@optintrail/core';
import { failOnUnreadInputs } from './hubspot-batch-read';
import { createHubSpotConnection, type HubSpotConnection, type HubSpotConnectionSettings } from './hubspot-client';
import { HUBSPOT_ADAPTER_ID } from './hubspot-errors';
import { createHubSpotRectify, DEFAULT_HUBSPOT_DATA_PROPERTIES, type HubSpotRectifySettings } from './hubspot-rectify';
import { NOTE_TO_CONTACT_ASSOCIATION, noteBody } from './hubspot-notes';
import { DEFAULT_PROPERTY_NAMING, summaryProperties, type HubSpotPropertyNaming, type HubSpotSummaryProperty } from './hubspot-properties';
import { subscriptionStatusRequests, type HubSpotStatusRequest, type HubSpotSubscriptionMapping } from './hubspot-subscriptions';
import { HUBSPOT_BATCH_SIZE, associatedNoteIds, readTimelines } from './hubspot-timeline';

/**
 * Settings of the HubSpot adapter. Only the connection is required (an access token, from the
 * setting or `HUBSPOT_ACCESS_TOKEN`, or a configured `Client`); everything else has a default.
 */
export interface HubSpotAdapterSettings extends HubSpotConnectionSettings, HubSpotRectifySettings {
  /** The purpose the summary properties describe (status, since, source, reminder). Default `newsletter`. */
  purpose?: string;
  /** The channel of that consent. Default `email`. */
  channel?: Channel;
  /** Property group and name prefix. Default group `optintrail`, prefix `optintrail_`. */
  naming?: Partial<HubSpotPropertyNaming>;
  /**
   * Which summary fields to keep as contact properties. Default all of `SUMMARY_FIELD_KEYS`.
   * `trailHead` and `trailLength` are always kept: `pull` verifies against them.
   */
  fields?: readonly SummaryFieldKey[];
  /**
   * Fills the ready-to-merge reminder properties (`optintrail_reminder_fr`, `optintrail_reminder_en`,
   * used in emails as `{{ contact.optintrail_reminder_en }}`). Default: core's `emailFooterReminder`
   * (the email-footer sentence). `false` leaves them empty.
   */
  reminder?: SummaryReminder | false;
  /** Time zone of the days shown in properties and reminders. Default `UTC`. */
  timeZone?: string;
  /** Language of the readable part of each note. Default `en`. */
  noteLocale?: 'en' | 'fr';
  /**
   * OptinTrail purpose → HubSpot subscription type. When set, each push that changes a mapped consent
   * also sets HubSpot's own subscription status and legal basis (communication preferences v4), so
   * HubSpot's tools agree with the trail.
   */
  subscriptions?: Readonly<Record<string, HubSpotSubscriptionMapping>>;
  /**
   * How a push learns what HubSpot holds. `upsert-first` (default): the contact batch upsert writes the
   * summaries and answers `new` per contact; new contacts get their notes without any read (a first
   * push costs the floor: 10 upserts + 30 note batches per 1,000 contacts with 3 events), and only
   * contacts that existed have their notes read back. `read-first`: contacts are read before anything
   * is written, and contacts without an OptinTrail head skip the note read — cheaper when pushing into
   * a portal whose contacts already exist and carry many notes of their own. Dry runs always read first.
   */
  strategy?: 'upsert-first' | 'read-first';
  /**
   * Push batches (100 subjects each) in flight at once. Default 16: a batch's calls go one after the
   * other, so keeping 19 calls a second going at HubSpot's few hundred milliseconds per answer takes
   * about ten batches waiting at once (with 2, a sync ran at a third of the budget). The rate limiter
   * still paces every call; the notes of one subject are still written in order.
   */
  concurrency?: number;
}

/** The HubSpot adapter: a `CrmAdapter` plus the property names it uses (for templates and lists). */
export interface HubSpotAdapter extends CrmAdapter {
  /** The contact properties holding the summary fields, e.g. `optintrail_reminder_en`. */
  readonly properties: readonly HubSpotSummaryProperty[];
  /** The official SDK client the adapter calls through. */
  readonly client: HubSpotConnection['client'];
}

interface ContactSummary {
  id: string;
  head: string | null;
  length: number | undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function vendorCodeOf(error: unknown): string | undefined {
  const code = (error as { vendorCode?: unknown } | null)?.vendorCode;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Creates the HubSpot adapter. Everything goes through the official `@hubspot/api-client`:
 * - schema: a contact property group and one property per summary field;
 * - push: contacts upserted by email (100 per call), one note per new event created with its
 *   association to the contact (100 per call), the event embedded in the note so a re-run sees it;
 * - pull: the contact's notes read back, the trail assembled and verified against the head stored
 *   on the contact;
 * - erase: HubSpot's GDPR delete;
 * - rectify: a `data.rectified` note, the corrected contact property (see hubspot-rectify.ts).
 *
 * ```ts
 * const adapter = createHubSpotAdapter({ accessToken: process.env.HUBSPOT_ACCESS_TOKEN });
 * await adapter.ensureSchema();
 * await adapter.push(trails);
 * ```
 */
export function createHubSpotAdapter(settings: HubSpotAdapterSettings = {}): HubSpotAdapter {
  const connection = createHubSpotConnection(settings);
  const naming: HubSpotPropertyNaming = { ...DEFAULT_PROPERTY_NAMING, ...settings.naming };
  const keys = [...new Set<SummaryFieldKey>([...(settings.fields ?? SUMMARY_FIELD_KEYS), 'trailHead', 'trailLength'])];
  const properties = summaryProperties(naming, keys);
  const propertyByKey = new Map(properties.map((property) => [property.key, property]));
  const headProperty = propertyByKey.get('trailHead')!;
  const lengthProperty = propertyByKey.get('trailLength')!;
  const purpose = settings.purpose ?? 'newsletter';
  const channel = settings.channel ?? 'email';
  // Undefined leaves the codec's default (`emailFooterReminder`); `false` fills nothing.
  const reminder: SummaryReminder | undefined = settings.reminder === false ? () => undefined : settings.reminder;
  const maxBytes = Object.fromEntries(properties.map((property) => [property.key, property.maxBytes]));
  const subscriptions = settings.subscriptions ?? {};
  const strategy = settings.strategy ?? 'upsert-first';

  /** Property values for a trail; an empty trail clears every property. */
  function summaryValues(trail: Trail): Record<string, string> {
    const values: Record<string, string> = {};
    if (trail.events.length === 0) {
      for (const property of properties) values[property.name] = '';
      return values;
    }
    const encoded = encodeSummaryFields(trail, {
      purpose,
      channel,
      fields: keys,
      maxBytes,
      ...(reminder ? { reminder } : {}),
      ...(settings.timeZone ? { timeZone: settings.timeZone } : {}),
    });
    for (const property of properties) values[property.name] = encoded[property.key] ?? '';
    return values;
  }

  /** Contacts by email with the two anchor properties: one batch read per 100 emails. */
  async function readContacts(emails: readonly string[]): Promise<Map<string, ContactSummary>> {
    const found = new Map<string, ContactSummary>();
    for (const part of chunk([...emails], HUBSPOT_BATCH_SIZE)) {
      const response = await connection.call('contacts.batch.read', async (client) => {
        const answer = await client.crm.contacts.batchApi.read({
          idProperty: 'email',
          inputs: part.map((email) => ({ id: email })),
          properties: ['email', headProperty.name, lengthProperty.name],
          propertiesWithHistory: [],
        });
        failOnUnreadInputs(answer, 'contacts.batch.read');
        return answer;
      });
      // Unknown emails come back as OBJECT_NOT_FOUND errors of a 207: they are simply not there yet.
      for (const contact of response.results) {
        const email = contact.properties['email'];
        if (!email) continue;
        const head = (contact.properties[headProperty.name] ?? '').trim().toLowerCase();
        const length = contact.properties[lengthProperty.name];
        found.set(normalizeEmail(email), {
          id: contact.id,
          head: /^[0-9a-f]{64}$/.test(head) ? head : null,
          length: length !== null && length !== undefined && /^\d+$/.test(length.trim()) ? Number(length) : undefined,
        });
      }
    }
    return found;
  }

  async function ensureSchema(): Promise<SchemaReport> {
    const created: string[] = [];
    const existing: string[] = [];
    const problems: Array<{ name: string; reason: string }> = [];
    const groups = await connection.call('properties.groups.list', (client) => client.crm.properties.groupsApi.getAll('contacts'));
    if (groups.results.some((group) => group.name === naming.groupName)) {
      existing.push(naming.groupName);
    } else {
      await connection.call('properties.groups.create', (client) =>
        client.crm.properties.groupsApi.create('contacts', { name: naming.groupName, label: naming.groupLabel, displayOrder: -1 }),
      );
      created.push(naming.groupName);
    }
    const all = await connection.call('properties.list', (client) => client.crm.properties.coreApi.getAll('contacts'));
    const current = new Map(all.results.map((definition) => [definition.name, definition]));
    const missing: HubSpotSummaryProperty[] = [];
    for (const property of properties) {
      const found = current.get(property.name);
      if (!found) {
        missing.push(property);
        continue;
      }
      existing.push(property.name);
      if (found.type !== property.definition.type) {
        problems.push({ name: property.name, reason: `exists with type ${found.type}; OptinTrail writes ${property.definition.type} values into it` });
      }
    }
    for (const part of chunk(missing, HUBSPOT_BATCH_SIZE)) {
      const response = await connection.call('properties.batch.create', (client) =>
        client.crm.properties.batchApi.create('contacts', { inputs: part.map((property) => property.definition as never) }),
      );
      const made = new Set(response.results.map((definition) => definition.name));
      for (const property of part) (made.has(property.name) ? created : existing).push(property.name);
    }
    const mapped = Object.entries(subscriptions);
    if (mapped.length > 0) {
      const definitions = await connection.request<{ results?: Array<{ id: string; name: string }> }>('subscriptions.definitions', {
        method: 'GET',
        path: '/communication-preferences/v4/definitions',
      });
      const ids = new Set((definitions.results ?? []).map((definition) => Number(definition.id)));
      for (const [mappedPurpose, mapping] of mapped) {
        if (!ids.has(mapping.subscriptionId)) {
          problems.push({ name: `subscription ${mapping.subscriptionId}`, reason: `is mapped to purpose "${mappedPurpose}" but the account has no such subscription type` });
        }
      }
    }
    return problems.length > 0 ? { created, existing, problems } : { created, existing };
  }

  function push(...[trails, options = {}]: Parameters<CrmAdapter['push']>) {
    const startCalls = connection.runner.calls;
    // What readExisting learnt about each trail of a batch, for write. Keyed by the trail object so
    // that nothing outlives its batch (a push of millions keeps one batch per slot in memory).
    const learnt = new WeakMap<Trail, { contactId?: string; upserted?: boolean; failure?: PushFailure }>();
    const upsertFirst = strategy === 'upsert-first' && !options.dryRun;

    /** Read-first: contacts by email (heads), then the notes of those holding a trail. */
    const readFirst = async (subjects: string[], trails: ReadonlyMap<string, Trail>): Promise<Map<string, ExistingTrailInfo>> => {
      const contacts = await readContacts(subjects);
      const existing = new Map<string, ExistingTrailInfo>();
      const withTrail: Array<[string, ContactSummary]> = [];
      for (const [email, contact] of contacts) {
        const trail = trails.get(email);
        if (trail) learnt.set(trail, { contactId: contact.id });
        // No head: OptinTrail never completed a write here (the head is written before the notes).
        if (contact.head === null) existing.set(email, { head: null, eventIds: new Set() });
        else withTrail.push([email, contact]);
      }
      if (withTrail.length > 0) {
        // The notes are the ground truth of what is stored; the head alone could be ahead of them after a crash.
        const timelines = await readTimelines(connection, withTrail.map(([, contact]) => contact.id));
        for (const [email, contact] of withTrail) {
          const stored = (timelines.get(contact.id)?.events ?? []).map(({ event }) => event);
          const eventIds = new Set(stored.map((event) => event.id));
          // The head is written before the notes: after an interrupted push it is ahead of them, and
          // the notes are what is stored. It only counts when the notes end where it says.
          const storedHead = assembleTrail(email, stored).events.at(-1)?.hash ?? null;
          existing.set(email, storedHead === contact.head ? { head: contact.head, ...(contact.length !== undefined ? { length: contact.length } : {}), eventIds } : { head: null, eventIds });
        }
      }
      return existing;
    };

    /**
     * Upsert-first: the batch upsert writes every contact's summary and answers `new` per contact.
     * A new contact holds nothing, so its notes are written without a read; only contacts that
     * existed have their notes read back. A trail that turns out to conflict with what is stored has
     * its summary set back to the stored events (one update per 100 such contacts, rare).
     */
    const writeThenRead = async (subjects: string[], trails: ReadonlyMap<string, Trail>): Promise<Map<string, ExistingTrailInfo>> => {
      const batch = subjects.map((subject) => trails.get(subject)!);
      const existed: Array<{ trail: Trail; contactId: string }> = [];
      for (const part of chunk(batch, HUBSPOT_BATCH_SIZE)) {
        const inputs = part.map((trail, index) => ({ id: trail.subject, idProperty: 'email', properties: summaryValues(trail), objectWriteTraceId: `subject-${index}` }));
        try {
          const response = await connection.call('contacts.batch.upsert', (client) => client.crm.contacts.batchApi.upsert({ inputs }));
          const answered = new Set<Trail>();
          for (const result of response.results) {
            const traced = result.objectWriteTraceId ? part[inputs.findIndex((input) => input.objectWriteTraceId === result.objectWriteTraceId)] : undefined;
            const trail = traced ?? (result.properties['email'] ? trails.get(normalizeEmail(result.properties['email'])) : undefined);
            if (!trail) continue;
            answered.add(trail);
            learnt.set(trail, { contactId: result.id, upserted: true });
            if (!result._new) existed.push({ trail, contactId: result.id });
          }
          for (const error of batchErrors(response)) {
            const traced = (error.context?.['objectWriteTraceId'] ?? []).map((trace) => part[inputs.findIndex((input) => input.objectWriteTraceId === trace)]);
            const named = (error.context?.['ids'] ?? []).map((id) => trails.get(normalizeEmail(id)));
            for (const trail of [...traced, ...named]) {
              if (!trail || answered.has(trail)) continue;
              answered.add(trail);
              learnt.set(trail, { failure: { subject: trail.subject, kind: 'vendor', reason: `HubSpot did not save the contact: ${error.message ?? 'unknown error'}`, ...(error.category ? { vendorCode: error.category } : {}) } });
            }
          }
          for (const trail of part) {
            if (!answered.has(trail)) learnt.set(trail, { failure: { subject: trail.subject, kind: 'vendor', reason: 'HubSpot answered the upsert without this contact' } });
          }
        } catch (error) {
          for (const trail of part) learnt.set(trail, { failure: { subject: trail.subject, kind: 'vendor', reason: message(error), ...(vendorCodeOf(error) ? { vendorCode: vendorCodeOf(error)! } : {}) } });
        }
      }

      const existing = new Map<string, ExistingTrailInfo>();
      if (existed.length === 0) return existing;
      const timelines = await readTimelines(connection, existed.map(({ contactId }) => contactId));
      const restore: Array<{ id: string; properties: Record<string, string> }> = [];
      for (const { trail, contactId } of existed) {
        const stored = (timelines.get(contactId)?.events ?? []).map(({ event }) => event);
        const info: ExistingTrailInfo = { head: null, eventIds: new Set(stored.map((event) => event.id)) };
        existing.set(trail.subject, info);
        // The pipeline reports the conflict; the summary just written must not claim this trail.
        if (typeof planWrite(trail, info) === 'string') restore.push({ id: contactId, properties: summaryValues(assembleTrail(trail.subject, stored)) });
      }
      for (const part of chunk(restore, HUBSPOT_BATCH_SIZE)) {
        await connection.call('contacts.batch.update', (client) => client.crm.contacts.batchApi.update({ inputs: part }));
      }
      return existing;
    };

    const write = async (plan: PlannedWrite[]): Promise<PushFailure[]> => {
      const failures: PushFailure[] = [];
      const failedSubjects = new Set<string>();
      const contactIds = new Map<string, string>();

      // 1. Contacts with their summary properties, created when new (upsert-first did it already).
      //    The head goes first on purpose: a contact without a head is known to hold nothing of ours.
      const toUpsert: PlannedWrite[] = [];
      for (const item of plan) {
        const known = learnt.get(item.trail);
        if (known?.failure) {
          failedSubjects.add(item.trail.subject);
          failures.push(known.failure);
        } else if (known?.upserted && known.contactId) {
          contactIds.set(item.trail.subject, known.contactId);
        } else {
          toUpsert.push(item);
        }
      }
      const upserted = new Map<string, string>();
      const upsertInputs = toUpsert.map((item, index) => ({
        id: item.trail.subject,
        idProperty: 'email',
        properties: summaryValues(item.trail),
        objectWriteTraceId: `subject-${index}`,
      }));
      for (const part of chunk(upsertInputs, HUBSPOT_BATCH_SIZE)) {
        try {
          const response = await connection.call('contacts.batch.upsert', (client) => client.crm.contacts.batchApi.upsert({ inputs: part }));
          for (const result of response.results) {
            const trace = result.objectWriteTraceId ? upsertInputs.find((input) => input.objectWriteTraceId === result.objectWriteTraceId) : undefined;
            const email = trace?.id ?? (result.properties['email'] ? normalizeEmail(result.properties['email']) : undefined);
            if (email) upserted.set(email, result.id);
          }
          for (const error of batchErrors(response)) {
            const traced = (error.context?.['objectWriteTraceId'] ?? []).map((trace) => upsertInputs.find((input) => input.objectWriteTraceId === trace)?.id);
            const named = (error.context?.['ids'] ?? []).map((id) => normalizeEmail(id));
            for (const email of [...traced, ...named]) {
              if (!email || failedSubjects.has(email)) continue;
              failedSubjects.add(email);
              failures.push({ subject: email, kind: 'vendor', reason: `HubSpot did not save the contact: ${error.message ?? 'unknown error'}`, ...(error.category ? { vendorCode: error.category } : {}) });
            }
          }
        } catch (error) {
          for (const input of part) {
            failedSubjects.add(input.id);
            failures.push({ subject: input.id, kind: 'vendor', reason: message(error), ...(vendorCodeOf(error) ? { vendorCode: vendorCodeOf(error)! } : {}) });
          }
        }
      }
      for (const item of toUpsert) {
        const subject = item.trail.subject;
        if (failedSubjects.has(subject)) continue;
        const id = upserted.get(subject) ?? learnt.get(item.trail)?.contactId;
        if (!id) {
          failedSubjects.add(subject);
          failures.push({ subject, kind: 'vendor', reason: 'HubSpot answered the upsert without this contact' });
        } else {
          contactIds.set(subject, id);
        }
      }

      // 2. One note per new event, with its association, 100 per call (across subjects).
      const written = plan.filter((item) => !failedSubjects.has(item.trail.subject));
      const created = new Map<string, string>();
      const eventFailures = new Map<string, { reason: string; kind: PushFailure['kind']; vendorCode?: string }>();
      const noteInputs: Array<{ eventId: string; contactId: string; input: { properties: Record<string, string>; associations: unknown[]; objectWriteTraceId: string } }> = [];
      for (const item of written) {
        const contactId = contactIds.get(item.trail.subject)!;
        for (const event of item.newEvents) {
          let body: string;
          try {
            body = noteBody(event, settings.noteLocale);
          } catch (error) {
            eventFailures.set(event.id, { reason: message(error), kind: 'validation' });
            break;
          }
          noteInputs.push({
            eventId: event.id,
            contactId,
            input: {
              properties: { hs_note_body: body, hs_timestamp: event.at },
              associations: [{ to: { id: contactId }, types: [NOTE_TO_CONTACT_ASSOCIATION] }],
              objectWriteTraceId: event.id,
            },
          });
        }
      }
      // In order, one call after the other: if the process dies midway, each subject's stored notes are
      // still the first events of its trail, which the next push can extend.
      // Creating a note is not idempotent: a call that got no answer (or a 5xx) may have been stored
      // anyway, so the contacts' notes are read back and only the missing ones are sent again.
      const parts = chunk(noteInputs, HUBSPOT_BATCH_SIZE);
      while (parts.length > 0) {
        let pending = parts.shift()!;
        for (let round = 1; pending.length > 0; round += 1) {
          try {
            const response = await connection.callOnce('notes.batch.create', (client) =>
              client.crm.objects.notes.batchApi.create({ inputs: pending.map((note) => note.input) as never }),
            );
            for (const result of response.results) {
              const eventId = result.objectWriteTraceId ?? eventIdOfNote(result.properties['hs_note_body']);
              if (eventId) created.set(eventId, result.id);
            }
            for (const error of (response as { errors?: Array<{ message?: string; category?: string; context?: Record<string, string[]> }> }).errors ?? []) {
              for (const eventId of error.context?.['objectWriteTraceId'] ?? []) {
                eventFailures.set(eventId, { reason: `HubSpot did not save the note: ${error.message ?? 'unknown error'}`, kind: 'vendor', ...(error.category ? { vendorCode: error.category } : {}) });
              }
            }
            pending = [];
          } catch (error) {
            // A refused batch stores nothing, and HubSpot refuses all of it for one bad input (an
            // association to a contact deleted meanwhile): send the halves again, in order, until the
            // bad notes stand alone. A few extra calls, only when something was refused.
            if (CrmApiError.isInstance(error) && error.status === 400 && pending.length > 1) {
              const middle = Math.ceil(pending.length / 2);
              parts.unshift(pending.slice(0, middle), pending.slice(middle));
              pending = [];
              continue;
            }
            const unsure = CrmApiError.isInstance(error) && (error.status === undefined || error.status >= 500);
            const fail = (cause: unknown) => {
              for (const note of pending) eventFailures.set(note.eventId, { reason: message(cause), kind: 'vendor', ...(vendorCodeOf(cause) ? { vendorCode: vendorCodeOf(cause)! } : {}) });
              pending = [];
            };
            if (!unsure || round >= MAX_NOTE_ROUNDS) {
              fail(error);
              continue;
            }
            try {
              const timelines = await readTimelines(connection, [...new Set(pending.map((note) => note.contactId))]);
              const wanted = new Set(pending.map((note) => note.eventId));
              for (const timeline of timelines.values()) {
                for (const { event, noteId } of timeline.events) if (wanted.has(event.id)) created.set(event.id, noteId);
              }
              pending = pending.filter((note) => !created.has(note.eventId));
            } catch {
              fail(error);
            }
          }
        }
      }

      // 3. Keep each stored timeline a prefix of its trail: after the first event that failed, the
      //    notes that did get written are archived and the summary is set back to the stored prefix.
      const toArchive: string[] = [];
      const rollbacks: Array<{ subject: string; id: string; properties: Record<string, string> }> = [];
      const storedTrails = new Map<string, { trail: Trail; newEvents: ProvenanceEvent[] }>();
      for (const item of written) {
        const firstFailed = item.newEvents.findIndex((event) => !created.has(event.id));
        if (firstFailed === -1) {
          storedTrails.set(item.trail.subject, { trail: item.trail, newEvents: item.newEvents });
          continue;
        }
        const stored = item.trail.events.length - item.newEvents.length + firstFailed;
        const prefix: Trail = { subject: item.trail.subject, events: item.trail.events.slice(0, stored) };
        storedTrails.set(item.trail.subject, { trail: prefix, newEvents: item.newEvents.slice(0, firstFailed) });
        rollbacks.push({ subject: item.trail.subject, id: contactIds.get(item.trail.subject)!, properties: summaryValues(prefix) });
        for (const event of item.newEvents.slice(firstFailed)) {
          const noteId = created.get(event.id);
          if (noteId) toArchive.push(noteId);
          const cause = eventFailures.get(event.id);
          failures.push({
            subject: item.trail.subject,
            eventId: event.id,
            kind: cause?.kind ?? 'vendor',
            reason: cause?.reason ?? 'not kept: an earlier event of this subject could not be written; the next push writes it again',
            ...(cause?.vendorCode ? { vendorCode: cause.vendorCode } : {}),
          });
        }
      }
      try {
        for (const part of chunk(toArchive, HUBSPOT_BATCH_SIZE)) {
          await connection.call('notes.batch.archive', (client) => client.crm.objects.notes.batchApi.archive({ inputs: part.map((id) => ({ id })) }));
        }
        for (const part of chunk(rollbacks, HUBSPOT_BATCH_SIZE)) {
          await connection.call('contacts.batch.update', (client) => client.crm.contacts.batchApi.update({ inputs: part.map(({ id, properties }) => ({ id, properties })) }));
        }
      } catch (error) {
        for (const rollback of rollbacks) {
          const subject = rollback.subject;
          failures.push({ subject, kind: 'vendor', reason: `could not set the contact back to its stored events after a failure (${message(error)}); pull will report the mismatch until the next push`, ...(vendorCodeOf(error) ? { vendorCode: vendorCodeOf(error)! } : {}) });
        }
      }

      // 4. HubSpot's own subscription statuses, for mapped purposes whose consent just changed.
      if (Object.keys(subscriptions).length > 0) {
        const requests = [...storedTrails.values()].flatMap(({ trail, newEvents }) => subscriptionStatusRequests(trail, newEvents, subscriptions));
        for (const part of chunk(requests, HUBSPOT_BATCH_SIZE)) {
          try {
            const response = await connection.request<{ errors?: Array<{ message?: string; context?: Record<string, string[]> }> }>('subscriptions.statuses.batch.write', {
              method: 'POST',
              path: '/communication-preferences/v4/statuses/batch/write',
              body: { inputs: part.map(({ request }) => request satisfies HubSpotStatusRequest) },
            });
            for (const error of response.errors ?? []) {
              for (const subscriber of error.context?.['subscriberIdString'] ?? []) {
                const failed = part.find(({ request }) => request.subscriberIdString === subscriber);
                if (failed) failures.push(subscriptionFailure(failed.request, failed.eventId, error.message ?? 'unknown error'));
              }
            }
          } catch (error) {
            for (const { request, eventId } of part) failures.push(subscriptionFailure(request, eventId, message(error), vendorCodeOf(error)));
          }
        }
      }
      return failures;
    };

    return runPushPipeline(trails, options, {
      adapter: HUBSPOT_ADAPTER_ID,
      batchSize: HUBSPOT_BATCH_SIZE,
      readExisting: upsertFirst ? writeThenRead : readFirst,
      write,
      concurrency: settings.concurrency ?? 16,
      apiCalls: () => connection.runner.calls - startCalls,
    });
  }

  async function pull(...[subject, options = {}]: Parameters<CrmAdapter['pull']>): Promise<Trail | null> {
    const email = normalizeEmail(subject.email);
    const contact = (await readContacts([email])).get(email);
    if (!contact) return null;
    const timeline = (await readTimelines(connection, [contact.id])).get(contact.id)!;
    if (timeline.events.length === 0 && timeline.damaged.length === 0 && contact.head === null) return null;
    const verify = options.verify !== false;
    if (verify && timeline.damaged.length > 0) {
      const damaged = timeline.damaged[0]!;
      throw new TrailIntegrityError({
        eventId: damaged.eventId,
        index: timeline.events.length,
        problem: 'malformed-event',
        detail: `note ${damaged.noteId} no longer holds a readable event (${damaged.reason})`,
      });
    }
    // The same event written twice (identical content) is one event; differing copies stay for verification to flag.
    const unique = new Map<string, ProvenanceEvent>();
    const events: ProvenanceEvent[] = [];
    for (const { event } of timeline.events) {
      const copy = unique.get(event.id);
      if (copy && copy.hash === event.hash && JSON.stringify(copy) === JSON.stringify(event)) continue;
      unique.set(event.id, event);
      events.push(event);
    }
    const trail = assembleTrail(email, events);
    if (verify) {
      const verification = verifyTrail(trail, {
        expectedHead: contact.head,
        ...(contact.length !== undefined ? { expectedLength: contact.length } : {}),
      });
      if (!verification.valid) throw verification.error;
    }
    return trail;
  }

  async function erase(...[subject, _request]: Parameters<NonNullable<CrmAdapter['erase']>>): Promise<ErasureReceipt> {
    const email = normalizeEmail(subject.email);
    const contact = (await readContacts([email])).get(email);
    const mechanism = 'HubSpot GDPR delete (POST /crm/v3/objects/contacts/gdpr-delete)';
    if (!contact) {
      // Erasing by email still blocklists the address in HubSpot.
      await connection.call('contacts.gdpr-delete', (client) => client.crm.contacts.basicApi.purge({ objectId: email, idProperty: 'email' }));
      return { adapter: HUBSPOT_ADAPTER_ID, erasedAt: new Date().toISOString(), removed: [], mechanism, trailHead: null };
    }
    const notes = (await associatedNoteIds(connection, [contact.id])).get(contact.id) ?? [];
    await connection.call('contacts.gdpr-delete', (client) => client.crm.contacts.basicApi.purge({ objectId: contact.id }));
    return {
      adapter: HUBSPOT_ADAPTER_ID,
      erasedAt: new Date().toISOString(),
      removed: [`contact ${contact.id}`, `${notes.length} associated note${notes.length === 1 ? '' : 's'}`],
      mechanism,
      trailHead: contact.head,
    };
  }

  return {
    specificationVersion: 'v1',
    id: HUBSPOT_ADAPTER_ID,
    capabilities: { erase: true, rectify: true, export: false, captureChanges: true },
    properties,
    client: connection.client,
    ensureSchema,
    push,
    pull,
    erase,
    rectify: createHubSpotRectify({ connection, dataProperties: settings.dataProperties ?? DEFAULT_HUBSPOT_DATA_PROPERTIES, pull, push }),
  };
}

type HubSpotBatchError = { message?: string; category?: string; context?: Record<string, string[]> };

/** The per-record errors of a 207 answer (the SDK's types leave them out of the plain batch response). */
function batchErrors(response: unknown): HubSpotBatchError[] {
  return (response as { errors?: HubSpotBatchError[] }).errors ?? [];
}

/** Rounds of "create, read back what is unsure, create what is missing" before a note is reported failed. */
const MAX_NOTE_ROUNDS = 3;

function subscriptionFailure(request: HubSpotStatusRequest, eventId: string, reason: string, vendorCode?: string): PushFailure {
  return {
    subject: request.subscriberIdString,
    eventId,
    kind: 'vendor',
    reason: `the trail is stored, but HubSpot's subscription ${request.subscriptionId} was not set to ${request.statusState}: ${reason}`,
    ...(vendorCode ? { vendorCode } : {}),
  };
}

// Fallback when HubSpot does not echo objectWriteTraceId: the readable text names the event.
function eventIdOfNote(body: string | null | undefined): string | undefined {
  return body ? /Event\s?:\s*([0-9a-f-]{36})/i.exec(body.replace(/<[^>]*>/g, ' '))?.[1]?.toLowerCase() : undefined;
}

