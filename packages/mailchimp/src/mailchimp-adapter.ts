import {
  createAdapterRectify,
  assembleTrail,
  chunk,
  CrmApiError,
  createApiCallRunner,
  encodeSummaryFields,
  encodeTimelineEntry,
  foldTrail,
  generateReminder,
  normalizeEmail,
  runPushPipeline,
  sleep,
  SUMMARY_FIELD_KEYS,
  ValidationError,
  verifyTrail,
  type CrmAdapter,
  type ErasureReceipt,
  type ErasureRequest,
  type ExistingTrailInfo,
  type PlannedWrite,
  type PullOptions,
  type PushFailure,
  type PushOptions,
  type PushReport,
  type RectificationRequest,
  type SchemaReport,
  type SubjectRef,
  type SummaryFieldKey,
  type Trail,
} from '@optintrail/core';
import type { MailchimpAdapterSettings } from './mailchimp-adapter-settings';
import { describeBatchFailure, runBatchOperations } from './mailchimp-batch-operations';
import { downloadBatchResults, type MailchimpBatchResult } from './mailchimp-batch-results';
import { createMailchimpClient, type MailchimpClient } from './mailchimp-client';
import { createConnectionLimiter } from './mailchimp-connection-limiter';
import { MAILCHIMP_ADAPTER_ID, toMailchimpError } from './mailchimp-error';
import { consentOf, dataFieldValues, evidenceFields, marketingPermissionChange, statusIfNew, type ConsentContext } from './mailchimp-member-fields';
import type { MailchimpBatchOperationInput, MailchimpBatchSubscribeError, MailchimpBatchSubscribeResult, MailchimpMember, MailchimpMemberInput } from './mailchimp-sdk-types';
import { subscriberHash } from './mailchimp-subscriber-hash';
import { mailchimpFieldDefinitions, type MailchimpFieldKey } from './mailchimp-summary-tags';
import { damagedNoteError, eventIdOfMemberEvent, eventsFromNotes, memberEventFor, notesFor } from './mailchimp-timeline';

/** A `CrmAdapter` for one Mailchimp audience, plus what tests and benchmarks read. */
export interface MailchimpAdapter extends CrmAdapter {
  readonly id: 'mailchimp';
  readonly listId: string;
  readonly client: MailchimpClient;
  /** API calls made so far (retries and batch status polls included; batch result downloads are not API calls). */
  readonly apiCalls: number;
  /** The merge tag of each field the adapter manages. */
  readonly tags: Readonly<Record<MailchimpFieldKey, string>>;
  erase(subject: SubjectRef, request: ErasureRequest): Promise<ErasureReceipt>;
  rectify(subject: SubjectRef, request: RectificationRequest): Promise<Trail>;
}

/** Mailchimp's batch subscribe: "Up to 500 members may be added or updated with each API call." */
const BATCH_SUBSCRIBE_MAX = 500;
/**
 * Subjects per push batch. Batch subscribes stay at 500 per call, but one `/batches` round trip
 * (start plus status polls) then serves 1,000 subjects; larger batches hold more in memory and
 * resume from further back after a stop.
 */
const PUSH_BATCH_DEFAULT = 1000;
const PUSH_BATCH_MAX = 5000;
/** Collections answer at most 1,000 items per page. */
const PAGE_SIZE = 1000;

/** What a push batch learnt about one subject before writing. */
interface SubjectContext {
  trail: Trail | undefined;
  member: MailchimpMember | undefined;
  /** Set when Mailchimp refused the subject outright (erased address, invalid email…). */
  failure?: PushFailure;
  /** After an interrupted write: ids of the events already in notes and in member events. */
  storedInNotes?: Set<string>;
  storedAsMemberEvents?: Set<string>;
  /** Set when this push created the member, already marked pending with this head: no read back, no separate mark. */
  createdPending?: string;
}

/** How a timeline write ended: stored, or failed (`ambiguous` when it may have been stored anyway). */
type OperationOutcome = 'ok' | { ambiguous: boolean; reason: string; vendorCode?: string };

/** Why batch subscribe refused one member, as a push failure reads it. */
function refusalOf(error: MailchimpBatchSubscribeError): { reason: string; vendorCode: string } {
  return { reason: `${error.error}${error.field ? ` (${error.field}: ${error.field_message ?? ''})` : ''}`, vendorCode: error.error_code };
}

/** Which summaries a batch stored, and which members Mailchimp refused. */
interface SummaryOutcome {
  stored: Set<string>;
  refused: Map<string, { reason: string; vendorCode: string }>;
}

/**
 * Reads one batch subscribe operation's result. No result or a failed operation stores nothing that
 * can be trusted: those members are left out of both sets (the caller writes their summary itself).
 */
function readSummaryResult(result: MailchimpBatchResult | undefined, members: MailchimpMemberInput[], outcome: SummaryOutcome): void {
  if (!result || result.status_code < 200 || result.status_code >= 300) return;
  let answer: Partial<MailchimpBatchSubscribeResult>;
  try {
    answer = JSON.parse(result.response) as Partial<MailchimpBatchSubscribeResult>;
  } catch {
    return;
  }
  const refused = new Map<string, { reason: string; vendorCode: string }>();
  for (const error of answer.errors ?? []) refused.set(normalizeEmail(error.email_address), refusalOf(error));
  const answered = new Set([...(answer.new_members ?? []), ...(answer.updated_members ?? [])].map((member) => normalizeEmail(member.email_address)));
  for (const member of members) {
    const subject = normalizeEmail(member.email_address ?? '');
    const refusal = refused.get(subject);
    if (refusal) outcome.refused.set(subject, refusal);
    else if (answered.has(subject)) outcome.stored.add(subject);
  }
}

const OPERATION_NAMES = { note: 'lists.createListMemberNote', event: 'lists.createListMemberEvent', permission: 'lists.updateListMember' } as const;

/** Rounds of "write, read back what is unsure, write what is missing" before a write is reported failed. */
const MAX_TIMELINE_ROUNDS = 3;

/** One write in a push batch, runnable directly or as a `/batches` operation. */
interface TimelineOperation {
  id: string;
  subject: string;
  /** The events it carries (none for a permission change). */
  eventIds: string[];
  kind: 'note' | 'event' | 'permission';
  run: () => Promise<unknown>;
  batch: MailchimpBatchOperationInput;
}

/**
 * Stores provenance trails in one Mailchimp audience through the official
 * `@mailchimp/mailchimp_marketing` client.
 *
 * Per subject: summary merge fields (each cut to Mailchimp's 255 bytes by core's codec, with the
 * ready-to-merge reminders `*|OT_RMD_FR|*` / `*|OT_RMD_EN|*`), Mailchimp's own evidence fields and
 * marketing permission, one member event per provenance event (`is_syncing`, so automations do not
 * fire) and the stored events in member notes. A push batch (1,000 subjects by default) of new
 * members costs one create-only batch subscribe per 500 (created already marked pending) and one
 * `POST /batches` with its status polls carrying the timeline and the summaries: the floor. Existing
 * members add a read and a "mark pending" batch subscribe per 500; below `batchOperationsThreshold`
 * the timeline writes are one call each and the summary a batch subscribe of its own.
 *
 * Idempotency without ids on Mailchimp's side: `OT_PENDING` marks a write in progress, and a subject
 * found pending has its notes and member events read back, and only what is missing is written. A
 * summary (head included) that a batch stored although part of the member's timeline failed is
 * rolled back, pending again; a resumed push reads back the members of batch failures nobody saw.
 */
export function createMailchimpAdapter(settings: MailchimpAdapterSettings = {}): MailchimpAdapter {
  const listId = settings.listId ?? process.env.MAILCHIMP_LIST_ID;
  if (!listId) throw new ValidationError([{ path: 'listId', reason: 'is required: pass the audience id or set MAILCHIMP_LIST_ID' }], 'Mailchimp adapter');
  const client =
    settings.client ??
    createMailchimpClient({
      ...(settings.apiKey !== undefined ? { apiKey: settings.apiKey } : {}),
      ...(settings.serverPrefix !== undefined ? { serverPrefix: settings.serverPrefix } : {}),
      ...(settings.baseUrl !== undefined ? { baseUrl: settings.baseUrl } : {}),
      ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
    });
  const consentContext: ConsentContext = {
    purpose: settings.purpose ?? 'newsletter',
    channel: settings.channel ?? 'email',
    pendingWithoutConfirmation: settings.pendingWithoutConfirmation ?? false,
  };
  const summaryKeys = [...new Set<SummaryFieldKey>([...(settings.summaryFields ?? SUMMARY_FIELD_KEYS), 'trailHead', 'trailLength'])];
  const definitions = mailchimpFieldDefinitions(summaryKeys, settings.tags);
  const tags = Object.fromEntries(definitions.map((definition) => [definition.key, definition.tag])) as Record<MailchimpFieldKey, string>;
  const dataFields = settings.dataFields ?? { firstName: 'FNAME', lastName: 'LNAME' };
  const timeZone = settings.timeZone ?? 'UTC';
  const batchSize = Math.min(settings.batchSize ?? PUSH_BATCH_DEFAULT, PUSH_BATCH_MAX);
  const concurrency = Math.max(1, Math.floor(settings.concurrency ?? 4));
  const limiter = settings.limiter ?? createConnectionLimiter(settings.maxConnections ?? 10);
  const runner = createApiCallRunner({ adapter: MAILCHIMP_ADAPTER_ID, limiter, toError: toMailchimpError, ...(settings.retry ? { retry: settings.retry } : {}) });
  // For calls that must not run twice (a note, a member event, a batch): only a 429 is retried.
  const postRunner = createApiCallRunner({
    adapter: MAILCHIMP_ADAPTER_ID,
    limiter,
    toError: toMailchimpError,
    retry: { ...settings.retry, isRetryable: (error) => CrmApiError.isInstance(error) && error.status === 429 },
  });
  const callCount = () => runner.calls + postRunner.calls;
  let schemaReady = false;

  const reminder =
    settings.reminder === false
      ? undefined
      : (state: Parameters<typeof generateReminder>[0], locale: string, context: { purpose: string; channel: ConsentContext['channel']; timeZone: string }) => {
          const result = generateReminder(state, {
            purpose: context.purpose,
            channel: context.channel,
            touchpoint: settings.reminder ? (settings.reminder.touchpoint ?? 'email-footer') : 'email-footer',
            locale,
            timeZone: (settings.reminder ? settings.reminder.timeZone : undefined) ?? context.timeZone,
            ...(settings.reminder && settings.reminder.purposeLabels ? { purposeLabels: settings.reminder.purposeLabels } : {}),
          });
          return result.kind === 'reminder' ? result.text : undefined;
        };

  // ---- reads --------------------------------------------------------------------------------

  async function readMember(hash: string): Promise<MailchimpMember | null> {
    try {
      return await runner.run('lists.getListMember', () => client.lists.getListMember(listId!, hash));
    } catch (error) {
      if (CrmApiError.isInstance(error) && error.status === 404) return null;
      throw error;
    }
  }

  async function readNoteBodies(hash: string): Promise<string[]> {
    const bodies: string[] = [];
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const page = await runner.run('lists.getListMemberNotes', () =>
        client.lists.getListMemberNotes(listId!, hash, { count: PAGE_SIZE, offset, sort_field: 'note_id', sort_dir: 'ASC', fields: ['notes.note', 'total_items'] }),
      );
      bodies.push(...page.notes.map((note) => note.note));
      if (offset + PAGE_SIZE >= page.total_items) return bodies;
    }
  }

  async function readMemberEventIds(hash: string): Promise<Set<string>> {
    const ids = new Set<string>();
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const page = await runner.run('lists.getListMemberEvents', () => client.lists.getListMemberEvents(listId!, hash, { count: PAGE_SIZE, offset }));
      for (const event of page.events) {
        const id = eventIdOfMemberEvent(event);
        if (id) ids.add(id);
      }
      if (offset + PAGE_SIZE >= page.total_items) return ids;
    }
  }

  /**
   * Waits until no batch operation is running at Mailchimp. A batch accepted for a run that was then
   * stopped (or whose answer was lost) still writes its notes and events later: reading the timeline
   * back before it finished would write them a second time. Batches of other tools are waited for
   * too (Mailchimp does not say whose a batch is); past `batchTimeoutMs` the read back is refused.
   */
  async function waitForRunningBatches(signal: AbortSignal | undefined): Promise<void> {
    const deadline = Date.now() + (settings.batchTimeoutMs ?? 30 * 60_000);
    let wait = settings.batchPollIntervalMs ?? 1000;
    for (;;) {
      const page = await runner.run('batches.list', () => client.batches.list({ count: PAGE_SIZE, fields: ['batches.id', 'batches.status', 'total_items'] }));
      const running = page.batches.filter((batch) => batch.status !== 'finished');
      if (running.length === 0) return;
      if (Date.now() > deadline) {
        throw new CrmApiError({
          adapter: MAILCHIMP_ADAPTER_ID,
          operation: 'batches.list',
          message: `${running.length} batch operation(s) started earlier still run at Mailchimp (${running[0]!.id}: ${running[0]!.status}); what they write would land after this push read the timeline back. Push again once they finished.`,
          isRetryable: false,
        });
      }
      await sleep(wait, signal);
      wait = Math.min(15_000, Math.ceil(wait * 1.5));
    }
  }

  const mergeText = (member: MailchimpMember | undefined, key: MailchimpFieldKey): string => {
    const value = member?.merge_fields?.[tags[key]];
    return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  };

  /**
   * Subscriber hashes whose notes, member events or permission failed inside a finished batch: read
   * by a resumed push, because a run stopped after its batch was accepted never saw those failures,
   * and the summary in the same batch may have moved the head anyway. The results archives are S3
   * links (no API call); listing the batches costs one call per 1,000 batches.
   */
  async function batchFailuresLeftBehind(signal: AbortSignal | undefined): Promise<Set<string>> {
    const hashes = new Set<string>();
    const fields = ['batches.id', 'batches.status', 'batches.errored_operations', 'batches.response_body_url', 'total_items'];
    let page = await runner.run('batches.list', () => client.batches.list({ count: PAGE_SIZE, fields }));
    if (page.batches.some((batch) => batch.status !== 'finished')) {
      await waitForRunningBatches(signal);
      page = await runner.run('batches.list', () => client.batches.list({ count: PAGE_SIZE, fields }));
    }
    for (let offset = 0; ; ) {
      for (const batch of page.batches) {
        if (batch.status !== 'finished' || !batch.errored_operations || !batch.response_body_url) continue;
        const results = await downloadBatchResults(batch.response_body_url, settings.fetch ?? fetch);
        for (const result of results) {
          if (result.status_code >= 200 && result.status_code < 300) continue;
          const match = /^(?:note|event|permission):([0-9a-f]{32})(?::|$)/.exec(result.operation_id ?? '');
          if (match) hashes.add(match[1]!);
        }
      }
      offset += PAGE_SIZE;
      if (offset >= page.total_items) return hashes;
      const next = offset;
      page = await runner.run('batches.list', () => client.batches.list({ count: PAGE_SIZE, offset: next, fields }));
    }
  }

  /** What the member's merge fields say about the stored trail, reading the timeline back after an interrupted write (or when told to). */
  async function existingInfo(context: SubjectContext, hash: string, readBack = false): Promise<ExistingTrailInfo | undefined> {
    const member = context.member;
    if (!member) return undefined;
    const head = mergeText(member, 'trailHead') || null;
    const pending = mergeText(member, 'pendingHead');
    if ((pending !== '' && pending !== head) || readBack) {
      const [bodies, memberEventIds] = await Promise.all([readNoteBodies(hash), readMemberEventIds(hash)]);
      context.storedInNotes = new Set(eventsFromNotes(bodies).events.map((event) => event.id));
      context.storedAsMemberEvents = memberEventIds;
      // Everything is planned as new; the write skips what is already there.
      return { head: null };
    }
    if (head === null) return undefined;
    const length = Number(mergeText(member, 'trailLength'));
    return Number.isInteger(length) && length > 0 ? { head, length } : { head };
  }

  // ---- batch subscribe ----------------------------------------------------------------------

  /** Batch subscribe (update_existing) in calls of 500; returns members by email and refusals by email. */
  async function batchSubscribe(operation: string, members: MailchimpMemberInput[]) {
    const byEmail = new Map<string, MailchimpMember>();
    const created = new Set<string>();
    const refused = new Map<string, { reason: string; vendorCode: string }>();
    for (const part of chunk(members, BATCH_SUBSCRIBE_MAX)) {
      const result: MailchimpBatchSubscribeResult = await runner.run(operation, () =>
        client.lists.batchListMembers(listId!, { members: part, update_existing: true }, { skip_merge_validation: true }),
      );
      for (const member of [...result.new_members, ...result.updated_members]) byEmail.set(normalizeEmail(member.email_address), member);
      for (const member of result.new_members) created.add(normalizeEmail(member.email_address));
      for (const error of result.errors) refused.set(normalizeEmail(error.email_address), refusalOf(error));
    }
    return { byEmail, refused, created };
  }

  const refusalFailure = (subject: string, refusal: { reason: string; vendorCode: string }): PushFailure => ({
    subject,
    // Mailchimp refuses an address erased with delete-permanent for good.
    kind: /Forgotten Email|permanently deleted/i.test(refusal.reason) ? 'suppressed' : 'vendor',
    reason: refusal.reason,
    vendorCode: refusal.vendorCode,
  });

  // ---- schema -------------------------------------------------------------------------------

  async function ensureSchema(): Promise<SchemaReport> {
    const existingTags = new Set<string>();
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const page = await runner.run('lists.getListMergeFields', () => client.lists.getListMergeFields(listId!, { count: PAGE_SIZE, offset, fields: ['merge_fields.tag', 'total_items'] }));
      for (const field of page.merge_fields) existingTags.add(field.tag);
      if (offset + PAGE_SIZE >= page.total_items) break;
    }
    const created: string[] = [];
    const existing: string[] = [];
    for (const definition of definitions) {
      if (existingTags.has(definition.tag)) {
        existing.push(definition.tag);
        continue;
      }
      await runner.run('lists.addListMergeField', () =>
        client.lists.addListMergeField(listId!, { name: definition.name, type: 'text', tag: definition.tag, required: false, public: false, help_text: definition.help }),
      );
      created.push(definition.tag);
    }
    const problems = Object.values(dataFields)
      .filter((tag) => !existingTags.has(tag))
      .map((tag) => ({ name: tag, reason: 'this audience has no such merge field; create it in Mailchimp or leave it out of dataFields' }));
    schemaReady = true;
    return { created, existing, ...(problems.length > 0 ? { problems } : {}) };
  }

  // ---- push ---------------------------------------------------------------------------------

  async function push(trails: AsyncIterable<Trail> | Iterable<Trail>, options: PushOptions = {}): Promise<PushReport> {
    const callsBefore = callCount();
    if (!schemaReady && !options.dryRun) await ensureSchema();
    /** What readExisting learnt, for the write of the same batch (batches in flight never share a subject). */
    const contexts = new Map<string, SubjectContext>();
    /**
     * How the next part of 500 subjects starts, learnt within this push from the last part: read
     * first (one call creates new members and answers existing ones; new ones then need a separate
     * pending mark) or, after a part of mostly new members, create first (created already marked).
     * Every push starts creating first: a first sync pays nothing extra, a re-run one call per push.
     */
    let createFirst = true;
    /** After a stop, the members a batch of the stopped run may have left incomplete (listed once per push). */
    let suspects: Promise<Set<string>> | undefined;

    async function readExisting(subjects: string[], batchTrails: ReadonlyMap<string, Trail>): Promise<Map<string, ExistingTrailInfo>> {
      for (const subject of subjects) contexts.set(subject, { trail: batchTrails.get(subject), member: undefined });
      if (options.dryRun) {
        await Promise.all(subjects.map(async (subject) => {
          contexts.get(subject)!.member = (await readMember(subscriberHash(subject))) ?? undefined;
        }));
      } else {
        for (const part of chunk(subjects, BATCH_SUBSCRIBE_MAX)) {
          let toRead = part;
          if (createFirst && part.some((subject) => contexts.get(subject)!.trail !== undefined)) {
            // New members are created already marked pending with the trail's head. update_existing
            // is false: overwriting an existing member's mark (an interrupted run) would hide that
            // run's half-written events. Whoever was not created is read below.
            const creatable = part.filter((subject) => contexts.get(subject)!.trail?.events.at(-1)?.hash !== undefined);
            const result: MailchimpBatchSubscribeResult = await runner.run('lists.batchListMembers (create pending)', () =>
              client.lists.batchListMembers(
                listId!,
                {
                  members: creatable.map((subject) => {
                    const trail = contexts.get(subject)!.trail!;
                    return { email_address: subject, status_if_new: statusIfNew(subjectConsent(trail), consentContext), merge_fields: { [tags.pendingHead]: trail.events.at(-1)!.hash } };
                  }),
                  update_existing: false,
                },
                { skip_merge_validation: true },
              ),
            );
            // Only members created by this call are trusted as new; an archived member brought back is read like any other.
            const created = new Set<string>();
            for (const member of result.new_members) {
              const subject = normalizeEmail(member.email_address);
              const context = contexts.get(subject);
              if (!context?.trail) continue;
              context.member = member;
              context.createdPending = context.trail.events.at(-1)!.hash;
              created.add(subject);
            }
            toRead = part.filter((subject) => !created.has(subject));
            // Mostly existing members: read first from the next part on (one call per 500 again).
            createFirst = created.size >= part.length / 2;
          }
          if (toRead.length === 0) continue;
          // Creates the new members (status_if_new from the trail) and, touching nothing else, answers every member's fields.
          const { byEmail, refused, created } = await batchSubscribe(
            'lists.batchListMembers (create and read)',
            toRead.map((subject) => ({ email_address: subject, status_if_new: statusIfNew(subjectConsent(contexts.get(subject)!.trail), consentContext) })),
          );
          for (const subject of toRead) {
            const context = contexts.get(subject)!;
            context.member = byEmail.get(subject);
            const refusal = refused.get(subject);
            if (refusal) context.failure = refusalFailure(subject, refusal);
          }
          // Mostly new members: create them already marked from the next part on (no separate mark).
          if (toRead === part) createFirst = created.size > part.length / 2;
        }
        // Should Mailchimp leave an unchanged member out of updated_members, read it: guessing "new" would duplicate its timeline.
        await Promise.all(
          subjects
            .filter((subject) => !contexts.get(subject)!.member && !contexts.get(subject)!.failure)
            .map(async (subject) => {
              contexts.get(subject)!.member = (await readMember(subscriberHash(subject))) ?? undefined;
            }),
        );
      }
      if (!options.dryRun && options.resumeAfter !== undefined && (settings.batchOperations ?? 'auto') !== 'never') {
        suspects ??= batchFailuresLeftBehind(options.signal);
      }
      const suspectHashes = suspects ? await suspects : undefined;
      // A write that was interrupted is read back below: first let its batch, if one still runs, land.
      if (!options.dryRun && subjects.some((subject) => isPending(contexts.get(subject)!))) await waitForRunningBatches(options.signal);
      const existing = new Map<string, ExistingTrailInfo>();
      await Promise.all(
        subjects.map(async (subject) => {
          const context = contexts.get(subject)!;
          if (context.failure || context.createdPending !== undefined) return;
          const hash = subscriberHash(subject);
          const info = await existingInfo(context, hash, suspectHashes?.has(hash) ?? false);
          if (info) existing.set(subject, info);
        }),
      );
      return existing;
    }

    function isPending(context: SubjectContext): boolean {
      if (context.failure || !context.member || context.createdPending !== undefined) return false;
      const pending = mergeText(context.member, 'pendingHead');
      return pending !== '' && pending !== (mergeText(context.member, 'trailHead') || null);
    }

    function subjectConsent(trail: Trail | undefined) {
      return trail ? consentOf(foldTrail(trail), consentContext) : undefined;
    }

    async function write(plan: PlannedWrite[]): Promise<PushFailure[]> {
      const failures: PushFailure[] = [];
      const failedSubjects = new Set<string>();
      const failSubject = (failure: PushFailure) => {
        failures.push(failure);
        failedSubjects.add(failure.subject);
      };
      const writable: PlannedWrite[] = [];
      for (const item of plan) {
        const context = contexts.get(item.trail.subject);
        if (context?.failure) failSubject(context.failure);
        else if (context?.storedInNotes && [...context.storedInNotes].some((id) => !item.trail.events.some((event) => event.id === id))) {
          failSubject({ subject: item.trail.subject, kind: 'conflict', reason: 'the Mailchimp notes hold events this trail does not have (pull the stored trail and merge before pushing)' });
        } else writable.push(item);
      }
      if (writable.length === 0) return failures;

      // 1. Mark the write as in progress, so an interruption is noticed on the next run (members
      // created by this push already carry the mark).
      const toMark = writable.filter((item) => contexts.get(item.trail.subject)?.createdPending !== item.trail.events.at(-1)!.hash);
      const marked =
        toMark.length === 0
          ? { byEmail: new Map<string, MailchimpMember>(), refused: new Map<string, { reason: string; vendorCode: string }>(), created: new Set<string>() }
          : await batchSubscribe(
              'lists.batchListMembers (mark pending)',
              toMark.map((item) => ({
                email_address: item.trail.subject,
                status_if_new: statusIfNew(subjectConsent(item.trail), consentContext),
                merge_fields: { [tags.pendingHead]: item.trail.events.at(-1)!.hash },
              })),
            );
      for (const item of writable) {
        const refusal = marked.refused.get(item.trail.subject);
        if (refusal) failSubject(refusalFailure(item.trail.subject, refusal));
      }

      // 2. Notes, member events and the marketing permission. A POST that failed without a clear
      // refusal (no answer, 5xx) may have been stored anyway: read those subjects back and write
      // only what is missing, rather than retrying blindly and duplicating it.
      const incomplete = new Set<string>();
      const operationFailed = (operation: TimelineOperation, reason: string, vendorCode?: string) => {
        incomplete.add(operation.subject);
        const failure: PushFailure = { subject: operation.subject, kind: 'vendor', reason, ...(vendorCode ? { vendorCode } : {}) };
        if (operation.eventIds.length === 0) return failSubject(failure);
        // One failure per event (a note in chunks can fail several times).
        for (const eventId of operation.eventIds) {
          if (!failures.some((known) => known.subject === failure.subject && known.eventId === eventId)) failures.push({ ...failure, eventId });
        }
      };
      // Through /batches the summary rides in the same batch as the timeline (no call of its own);
      // a subject whose timeline then turns out incomplete gets its head rolled back below.
      const committed = new Set<string>();
      let round = writable.filter((item) => !failedSubjects.has(item.trail.subject));
      for (let attempt = 1; round.length > 0; attempt += 1) {
        const operations = round.flatMap((item) => timelineOperations(item, contexts.get(item.trail.subject), marked.byEmail.get(item.trail.subject)));
        const uncommitted = round.filter((item) => !committed.has(item.trail.subject));
        const { outcomes, summaryOutcome } = await runTimelineOperations(operations, uncommitted, options.signal);
        for (const subject of summaryOutcome.stored) committed.add(subject);
        for (const [subject, refusal] of summaryOutcome.refused) failSubject(refusalFailure(subject, refusal));
        const unsure = new Map<string, Array<{ operation: TimelineOperation; reason: string; vendorCode?: string }>>();
        for (const { operation, outcome } of outcomes) {
          if (outcome === 'ok') continue;
          if (outcome.ambiguous && attempt < MAX_TIMELINE_ROUNDS) {
            const list = unsure.get(operation.subject) ?? [];
            list.push({ operation, reason: outcome.reason, ...(outcome.vendorCode ? { vendorCode: outcome.vendorCode } : {}) });
            unsure.set(operation.subject, list);
          } else operationFailed(operation, outcome.reason, outcome.vendorCode);
        }
        round = round.filter((item) => unsure.has(item.trail.subject) && !incomplete.has(item.trail.subject));
        if (round.length > 0) {
          try {
            await waitForRunningBatches(options.signal);
          } catch (error) {
            if (!CrmApiError.isInstance(error)) throw error;
            for (const item of round) for (const entry of unsure.get(item.trail.subject) ?? []) operationFailed(entry.operation, entry.reason, entry.vendorCode);
            round = [];
          }
        }
        await Promise.all(
          round.map(async (item) => {
            const hash = subscriberHash(item.trail.subject);
            try {
              const [bodies, memberEventIds] = await Promise.all([readNoteBodies(hash), readMemberEventIds(hash)]);
              const context = contexts.get(item.trail.subject) ?? { trail: item.trail, member: undefined };
              context.storedInNotes = new Set(eventsFromNotes(bodies).events.map((event) => event.id));
              context.storedAsMemberEvents = memberEventIds;
              contexts.set(item.trail.subject, context);
            } catch (error) {
              if (!CrmApiError.isInstance(error)) throw error;
              // Cannot tell what was stored: report the writes; the next push reads back (the subject stays pending).
              for (const entry of unsure.get(item.trail.subject) ?? []) operationFailed(entry.operation, entry.reason, entry.vendorCode);
            }
          }),
        );
        round = round.filter((item) => !incomplete.has(item.trail.subject));
      }

      // 3. Summary fields, evidence and the new head, only for subjects whose timeline is complete
      // (and whose summary no batch stored yet).
      const complete = writable.filter((item) => !failedSubjects.has(item.trail.subject) && !incomplete.has(item.trail.subject) && !committed.has(item.trail.subject));
      if (complete.length > 0) {
        const summaries = await batchSubscribe(
          'lists.batchListMembers (summary)',
          complete.map((item) => memberSummary(item.trail)),
        );
        for (const item of complete) {
          const refusal = summaries.refused.get(item.trail.subject);
          if (refusal) failSubject(refusalFailure(item.trail.subject, refusal));
        }
      }

      // 4. A head a batch moved although part of its timeline failed goes back, pending again, so
      // the next push reads that timeline back instead of trusting the head.
      const rollback = writable.filter((item) => committed.has(item.trail.subject) && (incomplete.has(item.trail.subject) || failedSubjects.has(item.trail.subject)));
      if (rollback.length > 0) {
        const restored = await batchSubscribe(
          'lists.batchListMembers (roll back head)',
          rollback.map((item) => ({
            email_address: item.trail.subject,
            status_if_new: statusIfNew(subjectConsent(item.trail), consentContext),
            merge_fields: {
              [tags.trailHead]: item.existing?.head ?? '',
              [tags.trailLength]: item.existing?.head && item.existing.length !== undefined ? String(item.existing.length) : '',
              [tags.pendingHead]: item.trail.events.at(-1)!.hash,
            },
          })),
        );
        for (const item of rollback) {
          const refusal = restored.refused.get(item.trail.subject);
          if (refusal) failSubject({ ...refusalFailure(item.trail.subject, refusal), reason: `the trail head could not be rolled back after a failed write (${refusal.reason}); pull reports the trail as incomplete until a push succeeds` });
        }
      }
      return failures;
    }

    /** The notes, member events and permission change still missing for one subject. */
    function timelineOperations(item: PlannedWrite, context: SubjectContext | undefined, answered: MailchimpMember | undefined): TimelineOperation[] {
      const operations: TimelineOperation[] = [];
      const subject = item.trail.subject;
      const hash = subscriberHash(subject);
      const base = `/lists/${listId}/members/${hash}`;
      const missingFromNotes = item.newEvents.filter((event) => !context?.storedInNotes?.has(event.id));
      notesFor(missingFromNotes).forEach(({ body: note, eventIds }, index) => {
        operations.push({
          id: `note:${hash}:${eventIds[0]}:${index}`,
          subject,
          eventIds,
          kind: 'note',
          run: () => client.lists.createListMemberNote(listId!, hash, { note }),
          batch: { method: 'POST', path: `${base}/notes`, body: JSON.stringify({ note }) },
        });
      });
      for (const event of item.newEvents) {
        if (context?.storedAsMemberEvents?.has(event.id)) continue;
        const memberEvent = memberEventFor(event);
        operations.push({
          id: `event:${hash}:${event.id}`,
          subject,
          eventIds: [event.id],
          kind: 'event',
          run: () => client.lists.createListMemberEvent(listId!, hash, memberEvent),
          batch: { method: 'POST', path: `${base}/events`, body: JSON.stringify(memberEvent) },
        });
      }
      const permission = marketingPermissionChange(answered ?? context?.member, subjectConsent(item.trail), settings.marketingPermission ?? 'Email');
      if (permission) {
        const body = { marketing_permissions: [permission] };
        operations.push({
          id: `permission:${hash}`,
          subject,
          eventIds: [],
          kind: 'permission',
          run: () => client.lists.updateListMember(listId!, hash, body, { skip_merge_validation: true }),
          batch: { method: 'PATCH', path: base, params: { skip_merge_validation: 'true' }, body: JSON.stringify(body) },
        });
      }
      return operations;
    }

    /**
     * Runs the operations one call each, or through `/batches` above the threshold. Through
     * `/batches`, the summaries of `summarize` (batch subscribes of up to 500) join the same batch;
     * otherwise they are left to the caller, unencoded (`summaryOutcome` stays empty).
     */
    async function runTimelineOperations(
      operations: TimelineOperation[],
      summarize: PlannedWrite[],
      signal: AbortSignal | undefined,
    ): Promise<{ outcomes: Array<{ operation: TimelineOperation; outcome: OperationOutcome }>; summaryOutcome: SummaryOutcome }> {
      const summaryOutcome: SummaryOutcome = { stored: new Set(), refused: new Map() };
      if (operations.length === 0) return { outcomes: [], summaryOutcome };
      const mode = settings.batchOperations ?? 'auto';
      const useBatches = mode === 'always' || (mode === 'auto' && operations.length >= (settings.batchOperationsThreshold ?? 60));
      if (useBatches) {
        const summaries = summarize.map((item) => memberSummary(item.trail));
        const summaryParts = chunk(summaries, BATCH_SUBSCRIBE_MAX).map((members, index) => ({
          operation_id: `summary:${index}:${subscriberHash(members[0]!.email_address ?? '')}`,
          method: 'POST' as const,
          path: `/lists/${listId}`,
          params: { skip_merge_validation: 'true' },
          body: JSON.stringify({ members, update_existing: true }),
          members,
        }));
        const results = await runBatchOperations(
          client,
          { start: (call) => postRunner.run('batches.start', call), status: (call) => runner.run('batches.status', call) },
          [...operations.map((operation) => ({ ...operation.batch, operation_id: operation.id })), ...summaryParts.map(({ members: _members, ...operation }) => operation)],
          {
            pollIntervalMs: settings.batchPollIntervalMs ?? 1000,
            timeoutMs: settings.batchTimeoutMs ?? 30 * 60_000,
            fetch: settings.fetch ?? fetch,
            ...(signal ? { signal } : {}),
          },
        );
        for (const part of summaryParts) readSummaryResult(results.get(part.operation_id), part.members, summaryOutcome);
        const outcomes = operations.map((operation) => {
          const result = results.get(operation.id);
          if (!result) return { operation, outcome: { ambiguous: true, reason: 'the batch results hold no answer for this operation' } };
          if (result.status_code >= 200 && result.status_code < 300) return { operation, outcome: 'ok' as const };
          const { reason, vendorCode } = describeBatchFailure(result);
          return { operation, outcome: { ambiguous: result.status_code >= 500, reason, ...(vendorCode ? { vendorCode } : {}) } };
        });
        return { outcomes, summaryOutcome };
      }
      const outcomes = await Promise.all(
        operations.map(async (operation) => {
          // Creating a note or an event is not idempotent: only a 429 (refused before any work) is retried here.
          const operationRunner = operation.kind === 'permission' ? runner : postRunner;
          try {
            await operationRunner.run(OPERATION_NAMES[operation.kind], operation.run);
            return { operation, outcome: 'ok' as const };
          } catch (error) {
            if (!CrmApiError.isInstance(error)) throw error;
            const ambiguous = error.status === undefined || error.status >= 500 || error.status === 429;
            return { operation, outcome: { ambiguous, reason: error.message, ...(error.vendorCode ? { vendorCode: error.vendorCode } : {}) } };
          }
        }),
      );
      return { outcomes, summaryOutcome };
    }

    return runPushPipeline(trails, options, {
      adapter: MAILCHIMP_ADAPTER_ID,
      batchSize,
      concurrency,
      readExisting,
      write,
      batchDone: (subjects) => {
        for (const subject of subjects) contexts.delete(subject);
      },
      // This push's calls (the schema check included), not the adapter's lifetime total.
      apiCalls: () => callCount() - callsBefore,
    });
  }

  /** The member write that ends a push: summary merge fields, data fields, evidence, and `unsubscribed` after a withdrawal. */
  function memberSummary(trail: Trail): MailchimpMemberInput {
    const state = foldTrail(trail);
    const consent = consentOf(state, consentContext);
    const summary = encodeSummaryFields(trail, {
      purpose: consentContext.purpose,
      channel: consentContext.channel,
      fields: summaryKeys,
      timeZone,
      ...(reminder ? { reminder } : {}),
    });
    const mergeFields: Record<string, string> = { ...dataFieldValues(state, dataFields), [tags.pendingHead]: '' };
    for (const key of summaryKeys) mergeFields[tags[key]] = summary[key];
    const input: MailchimpMemberInput = {
      email_address: trail.subject,
      status_if_new: statusIfNew(consent, consentContext),
      merge_fields: mergeFields,
      ...evidenceFields(consent),
    };
    if (consent?.status === 'withdrawn') input.status = 'unsubscribed';
    return input;
  }

  // ---- pull, erase, rectify -----------------------------------------------------------------

  async function pull(subject: SubjectRef, options: PullOptions = {}): Promise<Trail | null> {
    const email = normalizeEmail(subject.email);
    const hash = subscriberHash(email);
    const member = await readMember(hash);
    if (!member) return null;
    const head = mergeText(member, 'trailHead') || null;
    const pending = mergeText(member, 'pendingHead');
    const lengthText = mergeText(member, 'trailLength');
    const reading = eventsFromNotes(await readNoteBodies(hash));
    if (reading.events.length === 0 && reading.damaged.length === 0 && head === null) return null;
    const trail = assembleTrail(email, reading.events);
    if (options.verify === false) return trail;

    const firstDamage = reading.damaged[0];
    if (firstDamage) throw damagedNoteError(firstDamage, trail.events.length);
    const expectedLength = /^\d+$/.test(lengthText) ? Number(lengthText) : undefined;
    const isPending = pending !== '' && pending !== head;
    if (!isPending) {
      const result = verifyTrail(trail, { expectedHead: head, ...(expectedLength !== undefined ? { expectedLength } : {}) });
      if (!result.valid) throw result.error;
      return trail;
    }
    // A write was interrupted: the stored chain must verify and contain the recorded head where the length says.
    const chain = verifyTrail(trail);
    if (!chain.valid) throw chain.error;
    if (head !== null) {
      const index = trail.events.findIndex((event) => event.hash === head);
      if (index === -1 || (expectedLength !== undefined && index + 1 !== expectedLength)) {
        const mismatch = verifyTrail(trail, { expectedHead: head });
        if (!mismatch.valid) throw mismatch.error;
      }
    }
    return trail;
  }

  async function erase(subject: SubjectRef, request: ErasureRequest): Promise<ErasureReceipt> {
    if (!request || typeof request.requestedAt !== 'string') throw new ValidationError([{ path: 'requestedAt', reason: 'is required (ISO 8601)' }], 'Erasure request');
    const email = normalizeEmail(subject.email);
    const hash = subscriberHash(email);
    const member = await readMember(hash);
    const mechanism = 'Mailchimp delete-permanent (POST /lists/{list_id}/members/{subscriber_hash}/actions/delete-permanent): personal data erased, the address cannot be re-imported';
    if (!member) return { adapter: MAILCHIMP_ADAPTER_ID, erasedAt: new Date().toISOString(), removed: [], mechanism, trailHead: null };
    const [bodies, memberEventIds] = await Promise.all([readNoteBodies(hash), readMemberEventIds(hash)]);
    await runner.run('lists.deleteListMemberPermanent', () => client.lists.deleteListMemberPermanent(listId!, hash));
    return {
      adapter: MAILCHIMP_ADAPTER_ID,
      erasedAt: new Date().toISOString(),
      removed: [`1 audience member with its merge fields`, `${bodies.length} notes`, `${memberEventIds.size} OptinTrail member events`],
      mechanism,
      trailHead: mergeText(member, 'trailHead') || null,
    };
  }

  // Merge fields carry only the summary: the correction lives in the trail (notes and events).
  const rectify = createAdapterRectify({ adapter: MAILCHIMP_ADAPTER_ID, crmName: 'This audience', pull, push });

  return {
    specificationVersion: 'v1',
    id: MAILCHIMP_ADAPTER_ID,
    capabilities: { erase: true, rectify: true, export: false, captureChanges: true },
    listId,
    client,
    tags,
    get apiCalls() {
      return callCount();
    },
    ensureSchema,
    push,
    pull,
    erase,
    rectify,
  };
}
