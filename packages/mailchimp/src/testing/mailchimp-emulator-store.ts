import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { subscriberHash } from '../mailchimp-subscriber-hash';
import { MAILCHIMP_NOTE_MAX_CHARACTERS } from '../mailchimp-text-budget';
import {
  createMergeField,
  defaultMergeFields,
  emptyMergeValue,
  mergeFieldJson,
  updateMergeField,
  validateMergeValues,
  type MergeFieldInput,
  type MergeValue,
  type StoredMergeField,
} from './mailchimp-merge-fields';
import { MailchimpProblem, problems, type MailchimpFieldError } from './mailchimp-problem';
import { formatMailchimpTimestamp, parseMailchimpTimestamp } from './mailchimp-timestamps';

export const WRITABLE_STATUSES = ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional'] as const;
export type WritableMemberStatus = (typeof WRITABLE_STATUSES)[number];
export type MemberStatus = WritableMemberStatus | 'archived';

/** A marketing permission (GDPR field) defined on an audience. */
export interface MarketingPermissionDefinition {
  marketing_permission_id: string;
  text: string;
}

export interface StoredNote {
  id: number;
  note: string;
  created_at: number;
  updated_at: number;
  created_by: string;
}

export interface StoredEvent {
  name: string;
  properties: Record<string, string>;
  occurred_at: number;
  is_syncing: boolean;
}

export interface StoredMember {
  id: string;
  email_address: string;
  unique_email_id: string;
  contact_id: string;
  web_id: number;
  email_type: string;
  status: MemberStatus;
  merge_fields: Record<string, MergeValue>;
  interests: Record<string, boolean>;
  ip_signup: string;
  timestamp_signup: number | null;
  ip_opt: string;
  timestamp_opt: number | null;
  language: string;
  vip: boolean;
  marketing_permissions: Map<string, boolean>;
  tags: string[];
  source: string;
  last_changed: number;
  notes: StoredNote[];
  events: StoredEvent[];
}

export interface StoredList {
  id: string;
  web_id: number;
  name: string;
  date_created: number;
  double_optin: boolean;
  marketingPermissions: MarketingPermissionDefinition[];
  mergeFields: StoredMergeField[];
  nextMergeId: number;
  members: Map<string, StoredMember>;
  /** Subscriber hashes erased with delete-permanent: they can't be re-imported. */
  forgotten: Set<string>;
}

/** Options for `createList`. */
export interface CreateListOptions {
  /** The list id; default 10 random hex characters, like Mailchimp's. */
  id?: string;
  /** Whether the audience asks for double opt-in (default false). */
  doubleOptin?: boolean;
  /**
   * The audience's marketing permissions (GDPR fields). Default: Mailchimp's three defaults,
   * "Email", "Direct Mail" and "Customized Online Advertising". Pass `[]` for an audience without GDPR fields.
   */
  marketingPermissions?: Array<{ id?: string; text: string }>;
}

/** What a member write came through; each has its own rules for new and existing members. */
export type MemberWriteMode = 'post' | 'put' | 'patch';

export interface MemberWriteContext {
  mode: MemberWriteMode;
  /** The `{subscriber_hash}` path segment (a hash, or an email address, which the API also accepts). */
  pathKey?: string;
  skipMergeValidation: boolean;
}

const MEMBER_EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const EVENT_NAME_PATTERN = /^[A-Za-z0-9_-]{2,30}$/;
const DEFAULT_PERMISSIONS = ['Email', 'Direct Mail', 'Customized Online Advertising'];

/** Who made a member change: the API, a user of the Mailchimp app (admin), the subscriber (user), or Mailchimp itself. */
export type MailchimpChangeOrigin = 'api' | 'admin' | 'user' | 'system';

/** A member change, as the webhook sender observes it. `before` is a copy taken before the write (undefined for a new member). */
export interface MailchimpMemberChange {
  kind: 'written' | 'archived' | 'deleted';
  listId: string;
  member: StoredMember;
  before: Pick<StoredMember, 'email_address' | 'status' | 'merge_fields'> | undefined;
  origin: MailchimpChangeOrigin;
}

/** The emulator's in-memory Mailchimp account: audiences, their fields, members, notes and events. */
export class MailchimpStore {
  readonly lists = new Map<string, StoredList>();
  /** Observers of member changes (the webhook sender). */
  readonly memberListeners = new Set<(change: MailchimpMemberChange) => void>();
  /** Who the writes being made come from; API routes leave it at `api`. */
  origin: MailchimpChangeOrigin = 'api';
  #nextWebId = 1000;
  #nextNoteId = 1;
  #listBlueprints = new Map<string, { name: string; options: CreateListOptions }>();

  constructor(readonly now: () => number) {}

  createList(name = 'OptinTrail test audience', options: CreateListOptions = {}): string {
    let id = options.id ?? randomBytes(5).toString('hex');
    if (options.id !== undefined && this.lists.has(id)) throw new Error(`An audience with id ${id} already exists.`);
    while (this.lists.has(id)) id = randomBytes(5).toString('hex');
    this.#listBlueprints.set(id, { name, options });
    this.lists.set(id, this.#freshList(id, name, options));
    return id;
  }

  /** Empties every audience back to how `createList` made it (same ids). */
  /** Runs `write` as a change made by `origin` (the app's UI, the subscriber, Mailchimp itself). */
  as<T>(origin: MailchimpChangeOrigin, write: () => T): T {
    const previous = this.origin;
    this.origin = origin;
    try {
      return write();
    } finally {
      this.origin = previous;
    }
  }

  #notify(kind: MailchimpMemberChange['kind'], listId: string, member: StoredMember, before: MailchimpMemberChange['before']): void {
    for (const listener of this.memberListeners) listener({ kind, listId, member, before, origin: this.origin });
  }

  reset(): void {
    for (const [id, blueprint] of this.#listBlueprints) this.lists.set(id, this.#freshList(id, blueprint.name, blueprint.options));
    this.#nextNoteId = 1;
  }

  #freshList(id: string, name: string, options: CreateListOptions): StoredList {
    const permissions: Array<{ id?: string; text: string }> = options.marketingPermissions ?? DEFAULT_PERMISSIONS.map((text) => ({ text }));
    return {
      id,
      web_id: this.#nextWebId++,
      name,
      date_created: this.now(),
      double_optin: options.doubleOptin ?? false,
      marketingPermissions: permissions.map((permission) => ({
        marketing_permission_id: permission.id ?? randomBytes(5).toString('hex'),
        text: permission.text,
      })),
      mergeFields: defaultMergeFields(),
      nextMergeId: 5,
      members: new Map(),
      forgotten: new Set(),
    };
  }

  list(listId: string): StoredList {
    const list = this.lists.get(listId);
    if (!list) throw problems.notFound();
    return list;
  }

  /** Resolves a `{subscriber_hash}` path segment: the MD5 hash, or an email address. */
  hashFromPathKey(pathKey: string): string {
    return pathKey.includes('@') ? subscriberHash(pathKey) : pathKey.toLowerCase();
  }

  /** A member that exists on the list (archived ones included); 404 otherwise. */
  member(listId: string, pathKey: string): StoredMember {
    const member = this.lists.get(listId)?.members.get(this.hashFromPathKey(pathKey));
    if (!member) throw problems.notFound();
    return member;
  }

  // ---- merge fields -------------------------------------------------------------------------

  addMergeField(listId: string, input: MergeFieldInput) {
    const list = this.list(listId);
    const field = createMergeField(list.mergeFields, input, list.nextMergeId);
    list.nextMergeId += 1;
    list.mergeFields.push(field);
    for (const member of list.members.values()) member.merge_fields[field.tag] = emptyMergeValue();
    return mergeFieldJson(listId, field);
  }

  mergeField(listId: string, mergeId: string): StoredMergeField {
    const field = this.list(listId).mergeFields.find((candidate) => String(candidate.merge_id) === mergeId);
    if (!field) throw problems.notFound();
    return field;
  }

  updateMergeField(listId: string, mergeId: string, input: MergeFieldInput) {
    const field = this.mergeField(listId, mergeId);
    updateMergeField(field, input);
    return mergeFieldJson(listId, field);
  }

  deleteMergeField(listId: string, mergeId: string): void {
    const list = this.list(listId);
    const field = this.mergeField(listId, mergeId);
    list.mergeFields = list.mergeFields.filter((candidate) => candidate !== field);
    for (const member of list.members.values()) delete member.merge_fields[field.tag];
  }

  // ---- members ------------------------------------------------------------------------------

  /**
   * One member write (POST, PUT or PATCH), with the vendor's rules: PUT creates with
   * `status_if_new` and never applies it to an existing member; nobody unsubscribed or cleaned
   * is put back to `subscribed`; an address erased with delete-permanent is refused.
   */
  writeMember(listId: string, body: unknown, context: MemberWriteContext): { member: StoredMember; created: boolean } {
    const list = this.list(listId);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw problems.invalidResource([{ field: '', message: 'The request body must be a JSON object.' }]);
    const input = body as Record<string, unknown>;
    const errors: MailchimpFieldError[] = [];

    const bodyEmail = input.email_address;
    if (bodyEmail !== undefined && (typeof bodyEmail !== 'string' || !MEMBER_EMAIL_PATTERN.test(bodyEmail.trim()) || bodyEmail.length > 254)) {
      throw problems.invalidResource([{ field: 'email_address', message: 'Please provide a valid email address.' }], `${String(bodyEmail)} looks fake or invalid, please enter a real email address.`);
    }
    const email = typeof bodyEmail === 'string' ? bodyEmail.trim() : undefined;
    let hash: string;
    if (context.pathKey !== undefined) {
      hash = this.hashFromPathKey(context.pathKey);
      if (email !== undefined && subscriberHash(email) !== hash) {
        throw problems.invalidResource(
          [{ field: 'email_address', message: 'The email address does not match the subscriber hash in the URL.' }],
          `The subscriber hash in the URL is not the MD5 hash of the lower-cased email_address ${email}.`,
        );
      }
    } else {
      if (email === undefined) throw problems.invalidResource([{ field: 'email_address', message: 'This value should not be blank.' }]);
      hash = subscriberHash(email);
    }

    const status = readStatus(input.status, 'status', errors);
    const statusIfNew = readStatus(input.status_if_new, 'status_if_new', errors);
    const existing = list.members.get(hash);
    const isActive = existing !== undefined && existing.status !== 'archived';

    if (context.mode === 'patch' && !existing) throw problems.notFound();
    if (!existing && list.forgotten.has(hash)) throw problems.forgotten(email ?? context.pathKey ?? hash);
    if (context.mode === 'post' && isActive) throw problems.memberExists(existing.email_address);

    // Only a member who is new (or archived) takes `status_if_new`; an existing one keeps its choice.
    const treatAsNew = !isActive && context.mode !== 'patch';
    const nextStatus = treatAsNew && context.mode === 'put' ? statusIfNew ?? status : status;
    if (treatAsNew) {
      if (email === undefined && !existing) errors.push({ field: 'email_address', message: 'This value should not be blank.' });
      if (nextStatus === undefined) {
        errors.push({ field: context.mode === 'put' ? 'status_if_new' : 'status', message: 'A status is required to add a new member.' });
      }
    }

    const merge = validateMergeValues(list.mergeFields, input.merge_fields, { isNew: treatAsNew, skipMergeValidation: context.skipMergeValidation });
    errors.push(...merge.errors, ...readEvidenceErrors(input));
    const permissions = readMarketingPermissions(list, input.marketing_permissions, errors);
    if (errors.length > 0) {
      const mergeOnly = merge.errors.length > 0 && errors.length === merge.errors.length;
      throw mergeOnly ? problems.invalidMergeFields(errors) : problems.invalidResource(errors);
    }

    if (isActive && nextStatus === 'subscribed' && (existing.status === 'unsubscribed' || existing.status === 'cleaned')) {
      throw problems.complianceState(existing.email_address);
    }

    const now = this.now();
    const before = existing ? fingerprint(existing) : undefined;
    const observed = this.memberListeners.size > 0 && existing ? { email_address: existing.email_address, status: existing.status, merge_fields: structuredClone(existing.merge_fields) } : undefined;
    const member = existing ?? this.#newMember(list, hash, email!, now);
    if (!existing) list.members.set(hash, member);
    if (nextStatus !== undefined) member.status = nextStatus;
    Object.assign(member.merge_fields, merge.values);
    for (const [id, enabled] of permissions) member.marketing_permissions.set(id, enabled);
    if (typeof input.ip_signup === 'string') member.ip_signup = input.ip_signup;
    if (typeof input.ip_opt === 'string') member.ip_opt = input.ip_opt;
    if (typeof input.timestamp_signup === 'string') member.timestamp_signup = input.timestamp_signup === '' ? null : parseMailchimpTimestamp(input.timestamp_signup);
    if (typeof input.timestamp_opt === 'string') member.timestamp_opt = input.timestamp_opt === '' ? null : parseMailchimpTimestamp(input.timestamp_opt);
    // Mailchimp stamps the opt-in itself when an API write subscribes someone without a timestamp.
    if (member.status === 'subscribed' && member.timestamp_opt === null) member.timestamp_opt = now;
    if (typeof input.language === 'string') member.language = input.language;
    if (typeof input.vip === 'boolean') member.vip = input.vip;
    if (typeof input.email_type === 'string') member.email_type = input.email_type;
    if (input.interests && typeof input.interests === 'object') Object.assign(member.interests, input.interests);
    if (Array.isArray(input.tags) && !existing) member.tags = input.tags.filter((tag): tag is string => typeof tag === 'string');
    // A write that changes nothing leaves last_changed alone (since_last_changed stays meaningful).
    if (before === undefined || before !== fingerprint(member)) {
      member.last_changed = now;
      this.#notify('written', listId, member, observed);
    }
    return { member, created: treatAsNew };
  }

  #newMember(list: StoredList, hash: string, email: string, now: number): StoredMember {
    const merge_fields: Record<string, MergeValue> = {};
    for (const field of list.mergeFields) merge_fields[field.tag] = emptyMergeValue();
    return {
      id: hash,
      email_address: email,
      unique_email_id: randomBytes(5).toString('hex'),
      contact_id: randomBytes(16).toString('hex'),
      web_id: this.#nextWebId++,
      email_type: 'html',
      status: 'subscribed',
      merge_fields,
      interests: {},
      ip_signup: '',
      timestamp_signup: null,
      ip_opt: '',
      timestamp_opt: null,
      language: '',
      vip: false,
      marketing_permissions: new Map(list.marketingPermissions.map((permission) => [permission.marketing_permission_id, false])),
      tags: [],
      source: 'API - Generic',
      last_changed: now,
      notes: [],
      events: [],
    };
  }

  archiveMember(listId: string, pathKey: string): void {
    const member = this.member(listId, pathKey);
    const before = { email_address: member.email_address, status: member.status, merge_fields: member.merge_fields };
    member.status = 'archived';
    member.last_changed = this.now();
    this.#notify('archived', listId, member, before);
  }

  /** delete-permanent: the member, its notes and events are gone, and the address can't be re-imported. */
  deleteMemberPermanently(listId: string, pathKey: string): void {
    const list = this.list(listId);
    const member = this.member(listId, pathKey);
    list.members.delete(member.id);
    list.forgotten.add(member.id);
    this.#notify('deleted', listId, member, { email_address: member.email_address, status: member.status, merge_fields: member.merge_fields });
  }

  // ---- events and notes ---------------------------------------------------------------------

  addEvent(listId: string, pathKey: string, body: unknown): void {
    const member = this.member(listId, pathKey);
    const input = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    const errors: MailchimpFieldError[] = [];
    if (typeof input.name !== 'string' || !EVENT_NAME_PATTERN.test(input.name)) {
      errors.push({ field: 'name', message: 'Event names must be 2-30 characters of letters, numbers, underscores or dashes.' });
    }
    const properties: Record<string, string> = {};
    if (input.properties !== undefined && input.properties !== null) {
      if (typeof input.properties !== 'object' || Array.isArray(input.properties)) errors.push({ field: 'properties', message: 'properties must be an object.' });
      else
        for (const [key, value] of Object.entries(input.properties as Record<string, unknown>)) {
          if (typeof value !== 'string') errors.push({ field: `properties.${key}`, message: 'Event property values must be strings.' });
          else properties[key] = value;
        }
    }
    let occurredAt = this.now();
    if (input.occurred_at !== undefined) {
      const parsed = typeof input.occurred_at === 'string' ? parseMailchimpTimestamp(input.occurred_at) : null;
      if (parsed === null) errors.push({ field: 'occurred_at', message: 'occurred_at must be an ISO 8601 date-time.' });
      else occurredAt = parsed;
    }
    if (input.is_syncing !== undefined && typeof input.is_syncing !== 'boolean') errors.push({ field: 'is_syncing', message: 'is_syncing must be a boolean.' });
    if (errors.length > 0) throw problems.invalidResource(errors);
    member.events.push({ name: input.name as string, properties, occurred_at: occurredAt, is_syncing: input.is_syncing === true });
  }

  addNote(listId: string, pathKey: string, body: unknown): StoredNote {
    const member = this.member(listId, pathKey);
    const text = readNoteText(body);
    const now = this.now();
    const note: StoredNote = { id: this.#nextNoteId++, note: text, created_at: now, updated_at: now, created_by: '' };
    member.notes.push(note);
    return note;
  }

  note(listId: string, pathKey: string, noteId: string): StoredNote {
    const note = this.member(listId, pathKey).notes.find((candidate) => String(candidate.id) === noteId);
    if (!note) throw problems.notFound();
    return note;
  }

  updateNote(listId: string, pathKey: string, noteId: string, body: unknown): StoredNote {
    const note = this.note(listId, pathKey, noteId);
    note.note = readNoteText(body);
    note.updated_at = this.now();
    return note;
  }

  deleteNote(listId: string, pathKey: string, noteId: string): void {
    const member = this.member(listId, pathKey);
    const note = this.note(listId, pathKey, noteId);
    member.notes = member.notes.filter((candidate) => candidate !== note);
  }

  // ---- JSON shapes --------------------------------------------------------------------------

  /** A member as `ListsMembersMembers`. */
  memberJson(list: StoredList, member: StoredMember) {
    const lastNote = member.notes.at(-1);
    return {
      id: member.id,
      email_address: member.email_address,
      unique_email_id: member.unique_email_id,
      contact_id: member.contact_id,
      full_name: [member.merge_fields.FNAME, member.merge_fields.LNAME].filter((part) => typeof part === 'string' && part !== '').join(' '),
      web_id: member.web_id,
      email_type: member.email_type,
      status: member.status,
      merge_fields: structuredClone(member.merge_fields),
      interests: { ...member.interests },
      stats: { avg_open_rate: 0, avg_click_rate: 0 },
      ip_signup: member.ip_signup,
      timestamp_signup: formatMailchimpTimestamp(member.timestamp_signup),
      ip_opt: member.ip_opt,
      timestamp_opt: formatMailchimpTimestamp(member.timestamp_opt),
      member_rating: 2,
      last_changed: formatMailchimpTimestamp(member.last_changed),
      language: member.language,
      vip: member.vip,
      email_client: '',
      location: { latitude: 0, longitude: 0, gmtoff: 0, dstoff: 0, country_code: '', timezone: '', region: '' },
      marketing_permissions: list.marketingPermissions.map((permission) => ({
        marketing_permission_id: permission.marketing_permission_id,
        text: permission.text,
        enabled: member.marketing_permissions.get(permission.marketing_permission_id) ?? false,
      })),
      ...(lastNote ? { last_note: { note_id: lastNote.id, created_at: formatMailchimpTimestamp(lastNote.created_at), created_by: lastNote.created_by, note: lastNote.note } } : {}),
      source: member.source,
      tags_count: member.tags.length,
      tags: member.tags.slice(0, 50).map((name, index) => ({ id: index + 1, name })),
      list_id: list.id,
      _links: [] as unknown[],
    };
  }

  noteJson(list: StoredList, member: StoredMember, note: StoredNote) {
    return {
      id: note.id,
      created_at: formatMailchimpTimestamp(note.created_at),
      created_by: note.created_by,
      updated_at: formatMailchimpTimestamp(note.updated_at),
      note: note.note,
      list_id: list.id,
      email_id: member.id,
      contact_id: member.contact_id,
      _links: [] as unknown[],
    };
  }

  listJson(list: StoredList) {
    let memberCount = 0;
    let unsubscribeCount = 0;
    let cleanedCount = 0;
    for (const member of list.members.values()) {
      if (member.status === 'subscribed') memberCount += 1;
      else if (member.status === 'unsubscribed') unsubscribeCount += 1;
      else if (member.status === 'cleaned') cleanedCount += 1;
    }
    return {
      id: list.id,
      web_id: list.web_id,
      name: list.name,
      contact: { company: 'OptinTrail', address1: '', address2: '', city: '', state: '', zip: '', country: 'FR', phone: '' },
      permission_reminder: 'You are receiving this email because you opted in.',
      use_archive_bar: false,
      campaign_defaults: { from_name: 'OptinTrail', from_email: 'hello@example.com', subject: '', language: 'en' },
      notify_on_subscribe: '',
      notify_on_unsubscribe: '',
      date_created: formatMailchimpTimestamp(list.date_created),
      list_rating: 0,
      email_type_option: false,
      subscribe_url_short: '',
      subscribe_url_long: '',
      beamer_address: '',
      visibility: 'prv',
      double_optin: list.double_optin,
      has_welcome: false,
      marketing_permissions: list.marketingPermissions.length > 0,
      modules: [] as string[],
      stats: {
        member_count: memberCount,
        unsubscribe_count: unsubscribeCount,
        cleaned_count: cleanedCount,
        member_count_since_send: memberCount,
        unsubscribe_count_since_send: unsubscribeCount,
        cleaned_count_since_send: cleanedCount,
        campaign_count: 0,
        merge_field_count: list.mergeFields.length,
        avg_sub_rate: 0,
        avg_unsub_rate: 0,
        target_sub_rate: 0,
        open_rate: 0,
        click_rate: 0,
      },
      _links: [] as unknown[],
    };
  }
}

/** What a write can change on a member, to tell a real change from a no-op. */
function fingerprint(member: StoredMember): string {
  return JSON.stringify([
    member.status,
    member.merge_fields,
    member.ip_signup,
    member.timestamp_signup,
    member.ip_opt,
    member.timestamp_opt,
    member.language,
    member.vip,
    member.email_type,
    member.interests,
    [...member.marketing_permissions],
    member.tags,
  ]);
}

function readStatus(value: unknown, field: string, errors: MailchimpFieldError[]): WritableMemberStatus | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && (WRITABLE_STATUSES as readonly string[]).includes(value)) return value as WritableMemberStatus;
  errors.push({ field, message: `Value must be one of: ${WRITABLE_STATUSES.join(', ')}.` });
  return undefined;
}

function readEvidenceErrors(input: Record<string, unknown>): MailchimpFieldError[] {
  const errors: MailchimpFieldError[] = [];
  for (const field of ['ip_signup', 'ip_opt'] as const) {
    const value = input[field];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string' || isIP(value) === 0) errors.push({ field, message: 'This value is not a valid IP address.' });
  }
  for (const field of ['timestamp_signup', 'timestamp_opt'] as const) {
    const value = input[field];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string' || parseMailchimpTimestamp(value) === null) errors.push({ field, message: 'This value is not a valid date-time.' });
  }
  return errors;
}

function readMarketingPermissions(list: StoredList, value: unknown, errors: MailchimpFieldError[]): Array<[string, boolean]> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.push({ field: 'marketing_permissions', message: 'marketing_permissions must be an array.' });
    return [];
  }
  const result: Array<[string, boolean]> = [];
  for (const entry of value) {
    const id = entry && typeof entry === 'object' ? (entry as Record<string, unknown>).marketing_permission_id : undefined;
    const enabled = entry && typeof entry === 'object' ? (entry as Record<string, unknown>).enabled : undefined;
    if (typeof id !== 'string' || !list.marketingPermissions.some((permission) => permission.marketing_permission_id === id)) {
      errors.push({ field: 'marketing_permissions', message: `Invalid marketing permission id: ${String(id)}.` });
    } else if (typeof enabled !== 'boolean') {
      errors.push({ field: 'marketing_permissions', message: 'enabled must be a boolean.' });
    } else result.push([id, enabled]);
  }
  return result;
}

function readNoteText(body: unknown): string {
  const note = body && typeof body === 'object' ? (body as Record<string, unknown>).note : undefined;
  if (typeof note !== 'string' || note === '') throw problems.invalidResource([{ field: 'note', message: 'This value should not be blank.' }]);
  if (note.length > MAILCHIMP_NOTE_MAX_CHARACTERS) {
    throw problems.invalidResource([{ field: 'note', message: `Note length is limited to ${MAILCHIMP_NOTE_MAX_CHARACTERS} characters.` }]);
  }
  return note;
}

export { MailchimpProblem };
