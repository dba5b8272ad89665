/**
 * Narrow types for the parts of `@mailchimp/mailchimp_marketing` 3.0.80 this package uses.
 * `@types/mailchimp__mailchimp_marketing` 3.0.22 lacks several of these methods (notes, member
 * events reads, batches, merge-field writes) and types every answer as `X | ErrorResponse`, although
 * the SDK rejects on errors. These follow the SDK's source (`src/api/ListsApi.js`, `BatchesApi.js`)
 * and the vendor's OpenAPI file. Query options use the vendor's snake_case names, which the SDK accepts.
 */

/** `subscribed | unsubscribed | cleaned | pending | transactional`, plus `archived` on reads. */
export type MailchimpMemberStatus = 'subscribed' | 'unsubscribed' | 'cleaned' | 'pending' | 'transactional' | 'archived';

export type MailchimpMergeValue = string | number | { addr1: string; addr2?: string; city: string; state: string; zip: string; country?: string };

export interface MailchimpMarketingPermission {
  marketing_permission_id: string;
  /** Present on reads: the permission's wording. */
  text?: string;
  enabled: boolean;
}

/** A member as the API answers it (`ListsMembersMembers`), the fields this package reads. */
export interface MailchimpMember {
  /** The subscriber hash. */
  id: string;
  email_address: string;
  status: MailchimpMemberStatus;
  merge_fields: Record<string, MailchimpMergeValue>;
  ip_signup: string;
  /** `2015-09-16T19:24:29+00:00` or ''. */
  timestamp_signup: string;
  ip_opt: string;
  timestamp_opt: string;
  marketing_permissions?: MailchimpMarketingPermission[];
  last_changed: string;
  tags?: Array<{ id: number; name: string }>;
  list_id: string;
  [field: string]: unknown;
}

/** The body of a member write (POST / PUT / PATCH, and each entry of a batch subscribe). */
export interface MailchimpMemberInput {
  email_address?: string;
  status?: Exclude<MailchimpMemberStatus, 'archived'>;
  /** PUT and batch subscribe only: the status a *new* member gets; an existing member's status is left alone. */
  status_if_new?: Exclude<MailchimpMemberStatus, 'archived'>;
  merge_fields?: Record<string, MailchimpMergeValue>;
  ip_signup?: string;
  timestamp_signup?: string;
  ip_opt?: string;
  timestamp_opt?: string;
  marketing_permissions?: Array<{ marketing_permission_id: string; enabled: boolean }>;
  language?: string;
  tags?: string[];
  email_type?: 'html' | 'text';
}

export interface MailchimpMergeField {
  merge_id: number;
  tag: string;
  name: string;
  type: string;
  required: boolean;
  default_value: string;
  public: boolean;
  display_order: number;
  options: { size?: number; choices?: string[] };
  help_text: string;
  list_id: string;
}

export interface MailchimpMergeFieldInput {
  name: string;
  type: 'text' | 'number' | 'address' | 'phone' | 'date' | 'url' | 'imageurl' | 'radio' | 'dropdown' | 'birthday' | 'zip';
  tag?: string;
  required?: boolean;
  public?: boolean;
  default_value?: string;
  help_text?: string;
  options?: { size?: number; choices?: string[] };
}

export interface MailchimpNote {
  id: number;
  note: string;
  created_at: string;
  updated_at: string;
  created_by: string;
  email_id: string;
  list_id: string;
}

export interface MailchimpMemberEvent {
  name: string;
  occurred_at: string;
  properties: Record<string, string>;
}

export interface MailchimpMemberEventInput {
  /** 2–30 characters: letters, numbers, underscores, dashes. */
  name: string;
  /** Values must be strings. */
  properties?: Record<string, string>;
  /** `true` keeps automations from firing (the vendor's way to backfill). */
  is_syncing?: boolean;
  occurred_at?: string;
}

export interface MailchimpBatchSubscribeInput {
  /** At most 500. */
  members: MailchimpMemberInput[];
  update_existing?: boolean;
  sync_tags?: boolean;
}

export interface MailchimpBatchSubscribeError {
  email_address: string;
  error: string;
  error_code: 'ERROR_CONTACT_EXISTS' | 'ERROR_GENERIC';
  field?: string;
  field_message?: string;
}

export interface MailchimpBatchSubscribeResult {
  new_members: MailchimpMember[];
  updated_members: MailchimpMember[];
  errors: MailchimpBatchSubscribeError[];
  total_created: number;
  total_updated: number;
  error_count: number;
}

export interface MailchimpBatchOperationInput {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to `/3.0`. */
  path: string;
  params?: Record<string, string>;
  /** The JSON body as a string. */
  body?: string;
  operation_id?: string;
}

export interface MailchimpBatch {
  id: string;
  status: 'pending' | 'preprocessing' | 'started' | 'finalizing' | 'finished';
  total_operations: number;
  finished_operations: number;
  errored_operations: number;
  submitted_at: string;
  completed_at: string;
  /** A short-lived link to a gzipped tar of JSON result files; '' until finished. */
  response_body_url: string;
}

export interface MailchimpList {
  id: string;
  name: string;
  double_optin: boolean;
  marketing_permissions: boolean;
  stats: { member_count: number; unsubscribe_count: number; cleaned_count: number; merge_field_count?: number };
  [field: string]: unknown;
}

export interface MailchimpPageOptions {
  count?: number;
  offset?: number;
  fields?: string[];
  exclude_fields?: string[];
}

/** The `lists` group of the SDK (the methods this package uses). */
export interface MailchimpListsApi {
  getList(listId: string, options?: { fields?: string[]; exclude_fields?: string[] }): Promise<MailchimpList>;
  getAllLists(options?: MailchimpPageOptions): Promise<{ lists: MailchimpList[]; total_items: number }>;
  getListMergeFields(listId: string, options?: MailchimpPageOptions & { type?: string; required?: boolean }): Promise<{ merge_fields: MailchimpMergeField[]; total_items: number }>;
  getListMergeField(listId: string, mergeId: string | number): Promise<MailchimpMergeField>;
  addListMergeField(listId: string, body: MailchimpMergeFieldInput): Promise<MailchimpMergeField>;
  deleteListMergeField(listId: string, mergeId: string | number): Promise<null>;
  getListMember(listId: string, subscriberHash: string, options?: { fields?: string[]; exclude_fields?: string[] }): Promise<MailchimpMember>;
  getListMembersInfo(
    listId: string,
    options?: MailchimpPageOptions & { status?: MailchimpMemberStatus; since_last_changed?: string; before_last_changed?: string; sort_field?: string; sort_dir?: 'ASC' | 'DESC' },
  ): Promise<{ members: MailchimpMember[]; total_items: number; list_id: string }>;
  addListMember(listId: string, body: MailchimpMemberInput, options?: { skip_merge_validation?: boolean }): Promise<MailchimpMember>;
  setListMember(listId: string, subscriberHash: string, body: MailchimpMemberInput, options?: { skip_merge_validation?: boolean }): Promise<MailchimpMember>;
  updateListMember(listId: string, subscriberHash: string, body: MailchimpMemberInput, options?: { skip_merge_validation?: boolean }): Promise<MailchimpMember>;
  deleteListMember(listId: string, subscriberHash: string): Promise<null>;
  deleteListMemberPermanent(listId: string, subscriberHash: string): Promise<null>;
  batchListMembers(listId: string, body: MailchimpBatchSubscribeInput, options?: { skip_merge_validation?: boolean; skip_duplicate_check?: boolean }): Promise<MailchimpBatchSubscribeResult>;
  createListMemberEvent(listId: string, subscriberHash: string, body: MailchimpMemberEventInput): Promise<null>;
  getListMemberEvents(listId: string, subscriberHash: string, options?: MailchimpPageOptions): Promise<{ events: MailchimpMemberEvent[]; total_items: number }>;
  getListMemberNotes(
    listId: string,
    subscriberHash: string,
    options?: MailchimpPageOptions & { sort_field?: 'created_at' | 'updated_at' | 'note_id'; sort_dir?: 'ASC' | 'DESC' },
  ): Promise<{ notes: MailchimpNote[]; total_items: number }>;
  getListMemberNote(listId: string, subscriberHash: string, noteId: string | number): Promise<MailchimpNote>;
  createListMemberNote(listId: string, subscriberHash: string, body: { note: string }): Promise<MailchimpNote>;
  updateListMemberNote(listId: string, subscriberHash: string, noteId: string | number, body: { note: string }): Promise<MailchimpNote>;
  deleteListMemberNote(listId: string, subscriberHash: string, noteId: string | number): Promise<null>;
}

/** The `batches` group of the SDK. */
export interface MailchimpBatchesApi {
  start(body: { operations: MailchimpBatchOperationInput[] }): Promise<MailchimpBatch>;
  status(batchId: string): Promise<MailchimpBatch>;
  list(options?: MailchimpPageOptions): Promise<{ batches: MailchimpBatch[]; total_items: number }>;
  deleteRequest(batchId: string): Promise<null>;
}

export interface MailchimpPingApi {
  get(): Promise<{ health_status: string }>;
}

/**
 * How the SDK rejects: a superagent error carrying the HTTP status and the problem+json body.
 * A network failure has no `status` and no `response`.
 */
export interface MailchimpSdkError extends Error {
  status?: number;
  code?: string;
  timeout?: number;
  response?: { status: number; body?: unknown; text?: string; headers?: Record<string, string> };
}
