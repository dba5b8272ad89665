import { subscriberHash } from '../mailchimp-subscriber-hash';
import type { MailchimpStore, MemberStatus, StoredMember } from './mailchimp-emulator-store';
import type { MergeValue, StoredMergeField } from './mailchimp-merge-fields';
import { formatMailchimpTimestamp } from './mailchimp-timestamps';

/** A member as the backend holds it, read without going through the API. */
export interface MemberSnapshot {
  /** The subscriber hash (MD5 of the lower-cased email). */
  id: string;
  email_address: string;
  /** subscribed, unsubscribed, cleaned, pending, transactional or archived. */
  status: MemberStatus;
  /** Every merge field of the audience, by tag; text values as stored (after truncation). */
  merge_fields: Record<string, MergeValue>;
  ip_signup: string;
  /** `2015-09-16T19:24:29+00:00`, or '' when unset. */
  timestamp_signup: string;
  ip_opt: string;
  timestamp_opt: string;
  /** Every marketing permission of the audience with the member's choice. */
  marketing_permissions: Array<{ marketing_permission_id: string; text: string; enabled: boolean }>;
  tags: string[];
  last_changed: string;
}

/** A member event as stored, `is_syncing` included (the API never returns it). */
export interface EventSnapshot {
  name: string;
  properties: Record<string, string>;
  occurred_at: string;
  is_syncing: boolean;
}

export interface NoteSnapshot {
  id: number;
  note: string;
  created_at: string;
  updated_at: string;
}

/**
 * The backend's own read path, for tests that check what an adapter wrote without asking the
 * adapter, plus a few ways to change data behind the API's back (as a CRM user or an attacker
 * would) for tamper-detection tests. Reads return copies.
 */
export interface MailchimpEmulatorState {
  /** Ids of the audiences created so far. */
  listIds(): string[];
  /** The member with this email, or `null` (also after delete-permanent). */
  member(listId: string, email: string): MemberSnapshot | null;
  /** All members of the audience, archived ones included, in creation order. */
  members(listId: string): MemberSnapshot[];
  /** The member's events in the order they were written. */
  events(listId: string, email: string): EventSnapshot[];
  /** The member's notes in the order they were written. */
  notes(listId: string, email: string): NoteSnapshot[];
  /** The audience's merge fields, in creation order. */
  mergeFields(listId: string): StoredMergeField[];
  /** The audience's marketing permissions (GDPR fields). */
  marketingPermissions(listId: string): Array<{ marketing_permission_id: string; text: string }>;
  /** Whether the address was erased with delete-permanent (and can't be re-imported). */
  isForgotten(listId: string, email: string): boolean;

  /** Rewrites a note's text, as someone editing it in the Mailchimp UI would. */
  editNote(listId: string, email: string, noteId: number, text: string): void;
  /** Deletes a note. */
  deleteNote(listId: string, email: string, noteId: number): void;
  /** Deletes the event at `index` (in `events()` order). Mailchimp's API can't do this; the tests need it. */
  deleteEvent(listId: string, email: string, index: number): void;
  /** Replaces the event at `index` with these fields. */
  editEvent(listId: string, email: string, index: number, changes: Partial<{ name: string; properties: Record<string, string>; occurred_at: string }>): void;
  /** Swaps two events' positions (a reordering the chain must catch). */
  swapEvents(listId: string, email: string, first: number, second: number): void;
  /** Sets a merge value directly, skipping validation and truncation. */
  setMergeField(listId: string, email: string, tag: string, value: MergeValue): void;
  /** Changes the status directly (e.g. the person unsubscribed from a campaign footer). */
  setStatus(listId: string, email: string, status: MemberStatus): void;
}

export function createEmulatorState(store: MailchimpStore): MailchimpEmulatorState {
  const find = (listId: string, email: string): StoredMember | undefined => store.lists.get(listId)?.members.get(subscriberHash(email));
  const require = (listId: string, email: string): StoredMember => {
    const member = find(listId, email);
    if (!member) throw new Error(`No member ${email} in audience ${listId}.`);
    return member;
  };
  const snapshot = (listId: string, member: StoredMember): MemberSnapshot => {
    const list = store.list(listId);
    return {
      id: member.id,
      email_address: member.email_address,
      status: member.status,
      merge_fields: structuredClone(member.merge_fields),
      ip_signup: member.ip_signup,
      timestamp_signup: formatMailchimpTimestamp(member.timestamp_signup),
      ip_opt: member.ip_opt,
      timestamp_opt: formatMailchimpTimestamp(member.timestamp_opt),
      marketing_permissions: list.marketingPermissions.map((permission) => ({
        ...permission,
        enabled: member.marketing_permissions.get(permission.marketing_permission_id) ?? false,
      })),
      tags: [...member.tags],
      last_changed: formatMailchimpTimestamp(member.last_changed),
    };
  };
  const eventAt = (listId: string, email: string, index: number) => {
    const member = require(listId, email);
    const event = member.events[index];
    if (!event) throw new Error(`Member ${email} has no event at index ${index}.`);
    return { member, event };
  };
  return {
    listIds: () => [...store.lists.keys()],
    member: (listId, email) => {
      const member = find(listId, email);
      return member ? snapshot(listId, member) : null;
    },
    members: (listId) => [...store.list(listId).members.values()].map((member) => snapshot(listId, member)),
    events: (listId, email) =>
      (find(listId, email)?.events ?? []).map((event) => ({
        name: event.name,
        properties: { ...event.properties },
        occurred_at: formatMailchimpTimestamp(event.occurred_at),
        is_syncing: event.is_syncing,
      })),
    notes: (listId, email) =>
      (find(listId, email)?.notes ?? []).map((note) => ({
        id: note.id,
        note: note.note,
        created_at: formatMailchimpTimestamp(note.created_at),
        updated_at: formatMailchimpTimestamp(note.updated_at),
      })),
    mergeFields: (listId) => store.list(listId).mergeFields.map((field) => structuredClone(field)),
    marketingPermissions: (listId) => store.list(listId).marketingPermissions.map((permission) => ({ ...permission })),
    isForgotten: (listId, email) => store.lists.get(listId)?.forgotten.has(subscriberHash(email)) ?? false,

    editNote: (listId, email, noteId, text) => {
      const note = require(listId, email).notes.find((candidate) => candidate.id === noteId);
      if (!note) throw new Error(`Member ${email} has no note ${noteId}.`);
      note.note = text;
      note.updated_at = store.now();
    },
    deleteNote: (listId, email, noteId) => {
      const member = require(listId, email);
      member.notes = member.notes.filter((note) => note.id !== noteId);
    },
    deleteEvent: (listId, email, index) => {
      const { member } = eventAt(listId, email, index);
      member.events.splice(index, 1);
    },
    editEvent: (listId, email, index, changes) => {
      const { event } = eventAt(listId, email, index);
      if (changes.name !== undefined) event.name = changes.name;
      if (changes.properties !== undefined) event.properties = { ...changes.properties };
      if (changes.occurred_at !== undefined) event.occurred_at = Date.parse(changes.occurred_at);
    },
    swapEvents: (listId, email, first, second) => {
      const { member, event: firstEvent } = eventAt(listId, email, first);
      const { event: secondEvent } = eventAt(listId, email, second);
      member.events[first] = secondEvent;
      member.events[second] = firstEvent;
    },
    setMergeField: (listId, email, tag, value) => {
      const member = require(listId, email);
      member.merge_fields[tag] = structuredClone(value);
      member.last_changed = store.now();
    },
    setStatus: (listId, email, status) => {
      const member = require(listId, email);
      member.status = status;
      member.last_changed = store.now();
    },
  };
}
