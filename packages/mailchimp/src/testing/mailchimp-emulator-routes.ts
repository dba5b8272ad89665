import { Router, type EmulatorRequest, type EmulatorResponse, type FaultInjector } from '@optintrail/emulator-kit';
import { subscriberHash } from '../mailchimp-subscriber-hash';
import type { MailchimpBatchQueue } from './mailchimp-batch-queue';
import { MailchimpStore, type MemberStatus, type StoredMember } from './mailchimp-emulator-store';
import { mergeFieldJson } from './mailchimp-merge-fields';
import { paginate } from './mailchimp-paging';
import { MailchimpProblem, problems } from './mailchimp-problem';
import { formatMailchimpTimestamp, parseMailchimpTimestamp } from './mailchimp-timestamps';

/** Marks the requests the batch queue replays internally (they skip auth and the connection limit). */
export const BATCH_OPERATION_HEADER = 'x-optintrail-batch-operation';

/** "Up to 500 members may be added or updated with each API call." */
export const BATCH_SUBSCRIBE_MAX_MEMBERS = 500;

const MEMBER_EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface RouteContext {
  store: MailchimpStore;
  batches: MailchimpBatchQueue;
  /** Read late: the server that owns the fault injector starts after the routes are built. */
  faults: () => FaultInjector;
}

/** The subset of the Marketing API v3 the adapter uses, under `/3.0`. */
export function buildMailchimpRoutes({ store, batches, faults }: RouteContext): Router {
  const router = new Router(() => problems.notFound().response());
  const ok = (json: unknown, status = 200): EmulatorResponse => ({ status, json });
  const noContent = (): EmulatorResponse => ({ status: 204 });
  const isBatchOperation = (request: EmulatorRequest) => request.headers[BATCH_OPERATION_HEADER] === '1';
  const page = <T>(items: T[], request: EmulatorRequest) => paginate(items, request.query, { unlimitedWithoutCount: isBatchOperation(request) });
  const flag = (request: EmulatorRequest, name: string) => request.query.get(name) === 'true';
  const base = '/3.0';

  router.get(`${base}/ping`, () => ok({ health_status: "Everything's Chimpy!" }));
  router.get(`${base}/`, () => ok({ account_id: 'optintrail-emulator', login_id: 'optintrail', account_name: 'OptinTrail emulator', email: 'hello@example.com', role: 'owner', _links: [] }));

  // ---- audiences ------------------------------------------------------------------------------
  router.get(`${base}/lists`, (request) => {
    const lists = [...store.lists.values()].map((list) => store.listJson(list));
    const { items, total } = page(lists, request);
    return ok({ lists: items, total_items: total, constraints: { may_create: true, max_instances: 100, current_total_instances: total }, _links: [] });
  });
  router.get(`${base}/lists/:list_id`, (request) => ok(store.listJson(store.list(request.params.list_id!))));

  router.post(`${base}/lists/:list_id`, (request) => {
    const listId = request.params.list_id!;
    const list = store.list(listId);
    const body = readJson(request) as Record<string, unknown> | undefined;
    const members = body?.members;
    if (!Array.isArray(members)) throw problems.invalidResource([{ field: 'members', message: 'members must be an array.' }]);
    if (members.length > BATCH_SUBSCRIBE_MAX_MEMBERS) {
      throw problems.invalidResource([{ field: 'members', message: `Up to ${BATCH_SUBSCRIBE_MAX_MEMBERS} members may be added or updated with each API call; ${members.length} were given.` }]);
    }
    const updateExisting = body?.update_existing === true;
    const skipMergeValidation = flag(request, 'skip_merge_validation');
    const skipDuplicateCheck = flag(request, 'skip_duplicate_check');
    const newMembers: unknown[] = [];
    const updatedMembers: unknown[] = [];
    const errors: Array<{ email_address: string; error: string; error_code: 'ERROR_CONTACT_EXISTS' | 'ERROR_GENERIC'; field: string; field_message: string }> = [];
    const seen = new Set<string>();
    for (const entry of members) {
      const input = (entry && typeof entry === 'object' ? entry : {}) as Record<string, unknown>;
      const email = typeof input.email_address === 'string' ? input.email_address.trim() : '';
      if (!MEMBER_EMAIL_PATTERN.test(email)) {
        errors.push({ email_address: String(input.email_address ?? ''), error: `${String(input.email_address ?? '')} looks fake or invalid, please enter a real email address.`, error_code: 'ERROR_GENERIC', field: 'email_address', field_message: 'Please provide a valid email address.' });
        continue;
      }
      const hash = subscriberHash(email);
      if (seen.has(hash)) {
        if (!skipDuplicateCheck) errors.push({ email_address: email, error: `${email} appears more than once in this request.`, error_code: 'ERROR_GENERIC', field: 'email_address', field_message: 'Duplicate email address.' });
        continue;
      }
      seen.add(hash);
      if (faults().failRecord(request)) {
        errors.push({ email_address: email, error: 'Service temporarily unavailable, please try again.', error_code: 'ERROR_GENERIC', field: '', field_message: '' });
        continue;
      }
      const existing = list.members.get(hash);
      if (existing && existing.status !== 'archived' && !updateExisting) {
        errors.push({ email_address: email, error: `${email} is already a list member, do you want to update? please provide update_existing:true in the request body`, error_code: 'ERROR_CONTACT_EXISTS', field: '', field_message: '' });
        continue;
      }
      try {
        const { member, created } = store.writeMember(listId, input, { mode: 'put', pathKey: hash, skipMergeValidation });
        (created ? newMembers : updatedMembers).push(store.memberJson(list, member));
      } catch (error) {
        if (!(error instanceof MailchimpProblem)) throw error;
        const first = error.errors?.[0];
        errors.push({ email_address: email, error: `${error.title}: ${error.detail}`, error_code: 'ERROR_GENERIC', field: first?.field ?? '', field_message: first?.message ?? '' });
      }
    }
    return ok({
      new_members: newMembers,
      updated_members: updatedMembers,
      errors,
      total_created: newMembers.length,
      total_updated: updatedMembers.length,
      error_count: errors.length,
      _links: [],
    });
  });

  // ---- merge fields ---------------------------------------------------------------------------
  router.get(`${base}/lists/:list_id/merge-fields`, (request) => {
    const listId = request.params.list_id!;
    let fields = store.list(listId).mergeFields;
    const type = request.query.get('type');
    if (type) fields = fields.filter((field) => field.type === type);
    const required = request.query.get('required');
    if (required === 'true' || required === 'false') fields = fields.filter((field) => field.required === (required === 'true'));
    const { items, total } = page(fields, request);
    return ok({ merge_fields: items.map((field) => mergeFieldJson(listId, field)), list_id: listId, total_items: total, _links: [] });
  });
  router.post(`${base}/lists/:list_id/merge-fields`, (request) => ok(store.addMergeField(request.params.list_id!, (readJson(request) ?? {}) as Record<string, unknown>)));
  router.get(`${base}/lists/:list_id/merge-fields/:merge_id`, (request) =>
    ok(mergeFieldJson(request.params.list_id!, store.mergeField(request.params.list_id!, request.params.merge_id!))),
  );
  router.patch(`${base}/lists/:list_id/merge-fields/:merge_id`, (request) =>
    ok(store.updateMergeField(request.params.list_id!, request.params.merge_id!, (readJson(request) ?? {}) as Record<string, unknown>)),
  );
  router.delete(`${base}/lists/:list_id/merge-fields/:merge_id`, (request) => {
    store.deleteMergeField(request.params.list_id!, request.params.merge_id!);
    return noContent();
  });

  // ---- members --------------------------------------------------------------------------------
  router.get(`${base}/lists/:list_id/members`, (request) => {
    const listId = request.params.list_id!;
    const list = store.list(listId);
    let members = [...list.members.values()];
    const status = request.query.get('status') as MemberStatus | null;
    members = members.filter((member) => (status ? member.status === status : member.status !== 'archived'));
    members = filterByTime(members, request.query, 'since_last_changed', (member) => member.last_changed, (time, bound) => time > bound);
    members = filterByTime(members, request.query, 'before_last_changed', (member) => member.last_changed, (time, bound) => time < bound);
    members = filterByTime(members, request.query, 'since_timestamp_opt', (member) => member.timestamp_opt, (time, bound) => time > bound);
    members = filterByTime(members, request.query, 'before_timestamp_opt', (member) => member.timestamp_opt, (time, bound) => time < bound);
    const uniqueEmailId = request.query.get('unique_email_id');
    if (uniqueEmailId) members = members.filter((member) => member.unique_email_id === uniqueEmailId);
    const sortField = request.query.get('sort_field');
    if (sortField === 'timestamp_opt' || sortField === 'timestamp_signup' || sortField === 'last_changed') {
      const direction = request.query.get('sort_dir') === 'DESC' ? -1 : 1;
      members = [...members].sort((left, right) => direction * ((left[sortField] ?? 0) - (right[sortField] ?? 0)));
    }
    const { items, total } = page(members, request);
    return ok({ members: items.map((member) => store.memberJson(list, member)), list_id: listId, total_items: total, _links: [] });
  });
  router.post(`${base}/lists/:list_id/members`, (request) => {
    const listId = request.params.list_id!;
    const { member } = store.writeMember(listId, readJson(request), { mode: 'post', skipMergeValidation: flag(request, 'skip_merge_validation') });
    return ok(store.memberJson(store.list(listId), member));
  });
  router.get(`${base}/lists/:list_id/members/:hash`, (request) => {
    const listId = request.params.list_id!;
    return ok(store.memberJson(store.list(listId), store.member(listId, request.params.hash!)));
  });
  for (const mode of ['put', 'patch'] as const) {
    router.on(mode.toUpperCase(), `${base}/lists/:list_id/members/:hash`, (request) => {
      const listId = request.params.list_id!;
      const { member } = store.writeMember(listId, readJson(request), { mode, pathKey: request.params.hash!, skipMergeValidation: flag(request, 'skip_merge_validation') });
      return ok(store.memberJson(store.list(listId), member));
    });
  }
  router.delete(`${base}/lists/:list_id/members/:hash`, (request) => {
    store.archiveMember(request.params.list_id!, request.params.hash!);
    return noContent();
  });
  router.post(`${base}/lists/:list_id/members/:hash/actions/delete-permanent`, (request) => {
    store.deleteMemberPermanently(request.params.list_id!, request.params.hash!);
    return noContent();
  });

  // ---- member events --------------------------------------------------------------------------
  router.post(`${base}/lists/:list_id/members/:hash/events`, (request) => {
    store.addEvent(request.params.list_id!, request.params.hash!, readJson(request));
    return noContent();
  });
  router.get(`${base}/lists/:list_id/members/:hash/events`, (request) => {
    const member = store.member(request.params.list_id!, request.params.hash!);
    const newestFirst = member.events.map((event, index) => ({ event, index })).sort((left, right) => right.event.occurred_at - left.event.occurred_at || right.index - left.index);
    const { items, total } = page(newestFirst, request);
    return ok({
      events: items.map(({ event }) => ({ name: event.name, occurred_at: formatMailchimpTimestamp(event.occurred_at), properties: { ...event.properties } })),
      total_items: total,
      _links: [],
    });
  });

  // ---- member notes ---------------------------------------------------------------------------
  router.get(`${base}/lists/:list_id/members/:hash/notes`, (request) => {
    const listId = request.params.list_id!;
    const list = store.list(listId);
    const member = store.member(listId, request.params.hash!);
    const sortField = request.query.get('sort_field') ?? 'created_at';
    const key = sortField === 'updated_at' ? 'updated_at' : sortField === 'note_id' ? 'id' : 'created_at';
    const direction = request.query.get('sort_dir') === 'ASC' ? 1 : -1;
    const sorted = [...member.notes].sort((left, right) => direction * (left[key] - right[key] || left.id - right.id));
    const { items, total } = page(sorted, request);
    return ok({ notes: items.map((note) => store.noteJson(list, member, note)), list_id: listId, email_id: member.id, total_items: total, _links: [] });
  });
  router.post(`${base}/lists/:list_id/members/:hash/notes`, (request) => {
    const listId = request.params.list_id!;
    const note = store.addNote(listId, request.params.hash!, readJson(request));
    return ok(store.noteJson(store.list(listId), store.member(listId, request.params.hash!), note));
  });
  router.get(`${base}/lists/:list_id/members/:hash/notes/:note_id`, (request) => {
    const { listId, hash, noteId } = noteParams(request);
    return ok(store.noteJson(store.list(listId), store.member(listId, hash), store.note(listId, hash, noteId)));
  });
  router.patch(`${base}/lists/:list_id/members/:hash/notes/:note_id`, (request) => {
    const { listId, hash, noteId } = noteParams(request);
    const note = store.updateNote(listId, hash, noteId, readJson(request));
    return ok(store.noteJson(store.list(listId), store.member(listId, hash), note));
  });
  router.delete(`${base}/lists/:list_id/members/:hash/notes/:note_id`, (request) => {
    const { listId, hash, noteId } = noteParams(request);
    store.deleteNote(listId, hash, noteId);
    return noContent();
  });

  // ---- batch operations -----------------------------------------------------------------------
  router.post(`${base}/batches`, (request) => ok(batches.start(readJson(request))));
  router.get(`${base}/batches`, (request) => {
    const { items, total } = page(batches.list(), request);
    return ok({ batches: items, total_items: total, _links: [] });
  });
  router.get(`${base}/batches/:batch_id`, (request) => ok(batches.status(request.params.batch_id!)));
  router.delete(`${base}/batches/:batch_id`, (request) => {
    batches.cancel(request.params.batch_id!);
    return noContent();
  });

  return router;
}

function noteParams(request: EmulatorRequest) {
  return { listId: request.params.list_id!, hash: request.params.hash!, noteId: request.params.note_id! };
}

function readJson(request: EmulatorRequest): unknown {
  if (request.text.trim() === '') return undefined;
  try {
    return JSON.parse(request.text);
  } catch {
    throw problems.jsonParse();
  }
}

function filterByTime(
  members: StoredMember[],
  query: URLSearchParams,
  parameter: string,
  read: (member: StoredMember) => number | null,
  keep: (time: number, bound: number) => boolean,
): StoredMember[] {
  const text = query.get(parameter);
  if (!text) return members;
  const bound = parseMailchimpTimestamp(text);
  if (bound === null) throw problems.badRequest(`${parameter} must be an ISO 8601 date-time, e.g. 2015-10-21T15:41:36+00:00.`);
  return members.filter((member) => {
    const time = read(member);
    return time !== null && keep(time, bound);
  });
}
