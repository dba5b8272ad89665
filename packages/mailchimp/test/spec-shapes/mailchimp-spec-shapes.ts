/**
 * Mailchimp's documented shapes for every endpoint the adapter calls (subset: structure and types).
 * Sources (see ../../../../../shared/vendor-specs/README.md):
 * - F = the vendor's OpenAPI, mailchimp/fern-marketing-api-docs fern/apis/mailchimp-openapi/openapi.json
 *   (the problem document, titled "Problem Detail Document", with its five required members);
 * - M = the Marketing API 3.0.55 schemas, by their spec names as generated in
 *   Hevelop/go-client-mailchimp-marketing-api docs/<Schema>.md (a conversion of the vendor file, used
 *   because the vendor's is 1.5 MB of one JSON object) and named the same in the official
 *   @mailchimp/mailchimp_marketing 3.0.80 JSDoc (`module:model/<Schema>`);
 * - D = MC-docs pages cited in FACTS.md (event names 2–30 characters, note 1,000 characters, batch
 *   operations, status codes).
 * Answers read with `fields=` (partial responses) hold only the members asked for, so collection
 * shapes require only what the adapter asks for.
 */
import { ref, type EndpointShape, type JsonSchema, type KnownDivergence, type SchemaComponents } from '@optintrail/adapter-test/spec-check';

const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
/** Mailchimp's empty date-times are "" (members never confirmed, batches not finished). */
const dateTimeOrEmpty: JsonSchema = { anyOf: [dateTime, { type: 'string', maxLength: 0 }] };
const memberStatus: JsonSchema = { type: 'string', enum: ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional', 'archived'] };
const links: JsonSchema = { type: 'array', items: { type: 'object' } };

export const MAILCHIMP_COMPONENTS: SchemaComponents = {
  // F: "Problem Detail Document" (RFC 9457), the body of every error.
  ProblemDetailDocument: {
    type: 'object',
    required: ['detail', 'instance', 'status', 'title', 'type'],
    properties: { detail: { type: 'string' }, instance: { type: 'string' }, status: { type: 'integer' }, title: { type: 'string' }, type: { type: 'string' }, errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } } },
  },
  // M: MarketingPermission (member's), MarketingPermission1 (write)
  MarketingPermission: { type: 'object', properties: { marketing_permission_id: { type: 'string' }, text: { type: 'string' }, enabled: { type: 'boolean' } } },
  MarketingPermission1: { type: 'object', required: ['marketing_permission_id', 'enabled'], properties: { marketing_permission_id: { type: 'string' }, enabled: { type: 'boolean' } }, additionalProperties: false },
  // M: ListMembers (a member as answered; the adapter reads these members)
  ListMembers: {
    type: 'object',
    required: ['id', 'email_address', 'status', 'merge_fields'],
    properties: {
      id: { type: 'string' },
      email_address: { type: 'string' },
      unique_email_id: { type: 'string' },
      contact_id: { type: 'string' },
      full_name: { type: 'string' },
      web_id: { type: 'integer' },
      email_type: { type: 'string' },
      status: memberStatus,
      unsubscribe_reason: { type: 'string' },
      merge_fields: { type: 'object' },
      interests: { type: 'object', additionalProperties: { type: 'boolean' } },
      ip_signup: { type: 'string' },
      timestamp_signup: dateTimeOrEmpty,
      ip_opt: { type: 'string' },
      timestamp_opt: dateTimeOrEmpty,
      member_rating: { type: 'integer' },
      last_changed: dateTimeOrEmpty,
      language: { type: 'string' },
      vip: { type: 'boolean' },
      email_client: { type: 'string' },
      marketing_permissions: { type: 'array', items: ref('MarketingPermission') },
      source: { type: 'string' },
      tags_count: { type: 'integer' },
      tags: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } } },
      list_id: { type: 'string' },
      _links: links,
    },
  },
  // M: AddListMembers2 (one member of a batch subscribe)
  BatchSubscribeMember: {
    type: 'object',
    required: ['email_address'],
    properties: {
      email_address: { type: 'string' },
      email_type: { type: 'string' },
      status: { type: 'string', enum: ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional'] },
      status_if_new: { type: 'string', enum: ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional'] },
      merge_fields: { type: 'object' },
      interests: { type: 'object', additionalProperties: { type: 'boolean' } },
      language: { type: 'string' },
      vip: { type: 'boolean' },
      ip_signup: { type: 'string' },
      timestamp_signup: { type: 'string' },
      ip_opt: { type: 'string' },
      timestamp_opt: { type: 'string' },
      marketing_permissions: { type: 'array', items: ref('MarketingPermission1') },
      tags: { type: 'array', items: { type: 'string' } },
    },
    additionalProperties: false,
  },
  // M: MembersToSubscribeUnsubscribeTofromAListInBatch (POST /lists/{list_id}); D: up to 500 members
  MembersToSubscribeUnsubscribeTofromAListInBatch: {
    type: 'object',
    required: ['members'],
    properties: { members: { type: 'array', maxItems: 500, items: ref('BatchSubscribeMember') }, sync_tags: { type: 'boolean' }, update_existing: { type: 'boolean' } },
    additionalProperties: false,
  },
  // M: ErrorsInner
  BatchSubscribeError: {
    type: 'object',
    properties: { email_address: { type: 'string' }, error: { type: 'string' }, error_code: { type: 'string', enum: ['ERROR_CONTACT_EXISTS', 'ERROR_GENERIC'] }, field: { type: 'string' }, field_message: { type: 'string' } },
    additionalProperties: false,
  },
  // M: BatchUpdateListMembers
  BatchUpdateListMembers: {
    type: 'object',
    properties: {
      new_members: { type: 'array', items: ref('ListMembers') },
      updated_members: { type: 'array', items: ref('ListMembers') },
      errors: { type: 'array', items: ref('BatchSubscribeError') },
      total_created: { type: 'integer' },
      total_updated: { type: 'integer' },
      error_count: { type: 'integer' },
      _links: links,
    },
    additionalProperties: false,
  },
  // M: AddListMembers3-like PATCH body: the adapter changes only the marketing permissions
  UpdateListMember: { type: 'object', properties: { marketing_permissions: { type: 'array', items: ref('MarketingPermission1') }, merge_fields: { type: 'object' }, status: memberStatus }, additionalProperties: false },
  // M: Events (POST …/events); D: name 2–30 characters, string properties
  Events: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 2, maxLength: 30 }, properties: { type: 'object', additionalProperties: { type: 'string' } }, is_syncing: { type: 'boolean' }, occurred_at: dateTime }, additionalProperties: false },
  // M: the member events collection (GET …/events)
  MemberEvent: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, properties: { type: 'object', additionalProperties: { type: 'string' } }, occurred_at: dateTime } },
  CollectionOfEvents: { type: 'object', required: ['events', 'total_items'], properties: { events: { type: 'array', items: ref('MemberEvent') }, total_items: { type: 'integer' }, _links: links } },
  // M: MemberNotes1 (POST …/notes); D: "limited to 1,000 characters"
  MemberNotes1: { type: 'object', required: ['note'], properties: { note: { type: 'string', maxLength: 1000 } }, additionalProperties: false },
  // M: MemberNotes
  MemberNotes: {
    type: 'object',
    required: ['id', 'note'],
    properties: { id: { type: 'integer' }, created_at: dateTime, created_by: { type: 'string' }, updated_at: dateTime, note: { type: 'string' }, list_id: { type: 'string' }, email_id: { type: 'string' }, contact_id: { type: 'string' }, _links: links },
  },
  // M: CollectionOfNotes (read with fields=notes.note,total_items)
  CollectionOfNotes: { type: 'object', required: ['notes', 'total_items'], properties: { notes: { type: 'array', items: { type: 'object', properties: { note: { type: 'string' }, id: { type: 'integer' } } } }, list_id: { type: 'string' }, email_id: { type: 'string' }, total_items: { type: 'integer' }, _links: links } },
  // M: MergeField1 (POST …/merge-fields)
  MergeField1: {
    type: 'object',
    required: ['name', 'type'],
    properties: {
      tag: { type: 'string' },
      name: { type: 'string' },
      type: { type: 'string', enum: ['text', 'number', 'address', 'phone', 'date', 'url', 'imageurl', 'radio', 'dropdown', 'birthday', 'zip'] },
      required: { type: 'boolean' },
      default_value: { type: 'string' },
      public: { type: 'boolean' },
      display_order: { type: 'integer' },
      options: { type: 'object' },
      help_text: { type: 'string' },
    },
    additionalProperties: false,
  },
  // M: MergeField
  MergeField: {
    type: 'object',
    required: ['merge_id', 'tag', 'name', 'type'],
    properties: { merge_id: { type: 'integer' }, tag: { type: 'string' }, name: { type: 'string' }, type: { type: 'string' }, required: { type: 'boolean' }, default_value: { type: 'string' }, public: { type: 'boolean' }, display_order: { type: 'integer' }, options: { type: 'object' }, help_text: { type: 'string' }, list_id: { type: 'string' }, _links: links },
  },
  // M: CollectionOfMergeFields (read with fields=merge_fields.tag,total_items)
  CollectionOfMergeFields: { type: 'object', required: ['merge_fields', 'total_items'], properties: { merge_fields: { type: 'array', items: { type: 'object', properties: { tag: { type: 'string' } } } }, list_id: { type: 'string' }, total_items: { type: 'integer' }, _links: links } },
  // M: BatchOperation (one operation of POST /batches); D: body is a JSON string
  BatchOperation: {
    type: 'object',
    required: ['method', 'path'],
    properties: { method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] }, path: { type: 'string' }, params: { type: 'object' }, body: { type: 'string' }, operation_id: { type: 'string' } },
    additionalProperties: false,
  },
  StartBatch: { type: 'object', required: ['operations'], properties: { operations: { type: 'array', items: ref('BatchOperation') } }, additionalProperties: false },
  // M: Batch
  Batch: {
    type: 'object',
    required: ['id', 'status'],
    properties: {
      id: { type: 'string' },
      status: { type: 'string', enum: ['pending', 'preprocessing', 'started', 'finalizing', 'finished'] },
      total_operations: { type: 'integer' },
      finished_operations: { type: 'integer' },
      errored_operations: { type: 'integer' },
      submitted_at: dateTimeOrEmpty,
      completed_at: dateTimeOrEmpty,
      response_body_url: { type: 'string' },
      _links: links,
    },
  },
  // M: BatchOperations (GET /batches)
  BatchOperations: { type: 'object', required: ['batches'], properties: { batches: { type: 'array', items: ref('Batch') }, total_items: { type: 'integer' }, _links: links } },
};

const problem = ref('ProblemDetailDocument');
const member = '/3\\.0/lists/[^/]+/members/[0-9a-f]{32}';

/** Every endpoint the adapter calls. Errors answer the problem document whatever the status. */
export const MAILCHIMP_ENDPOINTS: EndpointShape[] = [
  { name: 'merge fields list', method: 'GET', path: /^\/3\.0\/lists\/[^/]+\/merge-fields$/, responses: { '200': ref('CollectionOfMergeFields'), default: problem } },
  { name: 'merge field create', method: 'POST', path: /^\/3\.0\/lists\/[^/]+\/merge-fields$/, request: ref('MergeField1'), responses: { '200': ref('MergeField'), default: problem } },
  { name: 'batch subscribe', method: 'POST', path: /^\/3\.0\/lists\/[^/]+$/, request: ref('MembersToSubscribeUnsubscribeTofromAListInBatch'), responses: { '200': ref('BatchUpdateListMembers'), default: problem } },
  { name: 'member read', method: 'GET', path: new RegExp(`^${member}$`), responses: { '200': ref('ListMembers'), default: problem } },
  { name: 'member update', method: 'PATCH', path: new RegExp(`^${member}$`), request: ref('UpdateListMember'), responses: { '200': ref('ListMembers'), default: problem } },
  { name: 'member notes list', method: 'GET', path: new RegExp(`^${member}/notes$`), responses: { '200': ref('CollectionOfNotes'), default: problem } },
  { name: 'member note create', method: 'POST', path: new RegExp(`^${member}/notes$`), request: ref('MemberNotes1'), responses: { '200': ref('MemberNotes'), default: problem } },
  { name: 'member events list', method: 'GET', path: new RegExp(`^${member}/events$`), responses: { '200': ref('CollectionOfEvents'), default: problem } },
  { name: 'member event create', method: 'POST', path: new RegExp(`^${member}/events$`), request: ref('Events'), responses: { '204': null, default: problem } },
  { name: 'member delete-permanent', method: 'POST', path: new RegExp(`^${member}/actions/delete-permanent$`), responses: { '204': null, default: problem } },
  { name: 'batch start', method: 'POST', path: /^\/3\.0\/batches$/, request: ref('StartBatch'), responses: { '200': ref('Batch'), default: problem } },
  { name: 'batch status', method: 'GET', path: /^\/3\.0\/batches\/[^/]+$/, responses: { '200': ref('Batch'), default: problem } },
  { name: 'batches list', method: 'GET', path: /^\/3\.0\/batches$/, responses: { '200': ref('BatchOperations'), default: problem } },
];

/** Where the emulator answers otherwise than the spec, kept on purpose (the test fails if one stops occurring). */
export const MAILCHIMP_KNOWN_DIVERGENCES: KnownDivergence[] = [];
