/**
 * Salesforce's documented shapes for every REST endpoint the adapter calls (subset). Salesforce
 * publishes no static OpenAPI (FACTS.md), so requests follow Salesforce's official Postman
 * collection kept in vendor-specs (PM = salesforce/postman-collection-2021/<file>, rawModeData) and
 * answers follow the REST API Developer Guide pages (DG = developer.salesforce.com/docs/platform/api-rest/guide/<page>)
 * together with jsforce 3.10.16's types (JF = node_modules/jsforce/lib/types/common.d.ts, query.d.ts).
 */
import { ref, type EndpointShape, type JsonSchema, type KnownDivergence, type SchemaComponents } from '@optintrail/adapter-test/spec-check';

const recordId: JsonSchema = { type: 'string', minLength: 15, maxLength: 18 };

export const SALESFORCE_COMPONENTS: SchemaComponents = {
  // DG errors.html / JF SaveError: a REST error answer is an array of { message, errorCode, fields? }.
  RestError: { type: 'object', required: ['message', 'errorCode'], properties: { message: { type: 'string' }, errorCode: { type: 'string' }, fields: { type: 'array', items: { type: 'string' } } } },
  RestErrors: { type: 'array', items: ref('RestError') },
  // DG resources-composite-sobjects-collections-*.html: per-record errors carry statusCode.
  RecordError: { type: 'object', required: ['statusCode', 'message'], properties: { statusCode: { type: 'string' }, message: { type: 'string' }, fields: { type: 'array', items: { type: 'string' } } } },
  // DG collections create/update/delete: SaveResult; JF SaveResult
  SaveResult: {
    type: 'object',
    required: ['success', 'errors'],
    properties: { id: { anyOf: [recordId, { type: 'null' }] }, success: { type: 'boolean' }, errors: { type: 'array', items: ref('RecordError') } },
  },
  // DG resources-composite-sobjects-collections-upsert.html: UpsertResult adds created; JF UpsertResult
  UpsertResult: {
    type: 'object',
    required: ['success', 'errors'],
    properties: { id: { anyOf: [recordId, { type: 'null' }] }, success: { type: 'boolean' }, errors: { type: 'array', items: ref('RecordError') }, created: { type: 'boolean' } },
  },
  // PM composite/sobject_collections_update.json and _create.json: { allOrNone, records: SObject[] }; DG: up to 200 records, each with attributes.type
  SObject: { type: 'object', required: ['attributes'], properties: { attributes: { type: 'object', required: ['type'], properties: { type: { type: 'string' }, url: { type: 'string' } } } } },
  CollectionWrite: { type: 'object', required: ['records'], properties: { allOrNone: { type: 'boolean' }, records: { type: 'array', maxItems: 200, items: ref('SObject') } }, additionalProperties: false },
  // PM composite/composite.json: { allOrNone, collateSubrequests, compositeRequest: Composite Subrequest[] }; DG composite: 25 subrequests
  CompositeSubrequest: { type: 'object', required: ['method', 'url', 'referenceId'], properties: { method: { type: 'string', enum: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] }, url: { type: 'string' }, referenceId: { type: 'string' }, body: {}, httpHeaders: { type: 'object' } }, additionalProperties: false },
  CompositeRequest: { type: 'object', required: ['compositeRequest'], properties: { allOrNone: { type: 'boolean' }, collateSubrequests: { type: 'boolean' }, compositeRequest: { type: 'array', maxItems: 25, items: ref('CompositeSubrequest') } }, additionalProperties: false },
  // DG resources-composite-composite-post.html: { compositeResponse: [{ body, httpHeaders, httpStatusCode, referenceId }] }
  CompositeSubresponse: { type: 'object', required: ['body', 'httpHeaders', 'httpStatusCode', 'referenceId'], properties: { body: {}, httpHeaders: { type: 'object' }, httpStatusCode: { type: 'integer' }, referenceId: { type: 'string' } } },
  CompositeResponse: { type: 'object', required: ['compositeResponse'], properties: { compositeResponse: { type: 'array', items: ref('CompositeSubresponse') } }, additionalProperties: false },
  // DG resources_query.htm / JF QueryResult: { totalSize, done, records, nextRecordsUrl? }, each record with attributes
  QueryResult: {
    type: 'object',
    required: ['totalSize', 'done', 'records'],
    properties: { totalSize: { type: 'integer' }, done: { type: 'boolean' }, records: { type: 'array', items: ref('SObject') }, nextRecordsUrl: { type: 'string' } },
  },
  // DG resources_sobject_describe.htm / JF DescribeSObjectResult (the members the adapter reads)
  DescribeField: { type: 'object', required: ['name', 'type', 'label'], properties: { name: { type: 'string' }, type: { type: 'string' }, label: { type: 'string' }, length: { type: 'integer' }, custom: { type: 'boolean' }, externalId: { type: 'boolean' }, unique: { type: 'boolean' }, createable: { type: 'boolean' }, updateable: { type: 'boolean' }, nillable: { type: 'boolean' } } },
  DescribeSObjectResult: { type: 'object', required: ['name', 'fields', 'custom', 'createable', 'queryable'], properties: { name: { type: 'string' }, label: { type: 'string' }, custom: { type: 'boolean' }, createable: { type: 'boolean' }, queryable: { type: 'boolean' }, fields: { type: 'array', items: ref('DescribeField') } } },
  // PM tooling/post_tooling_sobject.json (body of the Tooling sObject); FACTS.md: CustomField { FullName, Metadata }
  ToolingCreate: { type: 'object', required: ['FullName', 'Metadata'], properties: { FullName: { type: 'string' }, Metadata: { type: 'object' } }, additionalProperties: false },
  // PM rest/sobject_create.json (an sObject's fields); DG resources_sobject_basic_info.htm: 201 { id, success, errors }
  CreateResult: { type: 'object', required: ['id', 'success', 'errors'], properties: { id: recordId, success: { type: 'boolean' }, errors: { type: 'array' } } },
  FieldValues: { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }] } },
};

const root = '/services/data/v\\d+\\.\\d';
const errors = { default: ref('RestErrors') };

export const SALESFORCE_ENDPOINTS: EndpointShape[] = [
  { name: 'describe (DG sobject describe)', method: 'GET', path: new RegExp(`^${root}/sobjects/[A-Za-z_0-9]+/describe$`), responses: { '200': ref('DescribeSObjectResult'), ...errors } },
  { name: 'tooling create (PM post_tooling_sobject)', method: 'POST', path: new RegExp(`^${root}/tooling/sobjects/(CustomField|CustomObject)$`), request: ref('ToolingCreate'), responses: { '201': ref('CreateResult'), ...errors } },
  { name: 'sObject create (PM sobject_create)', method: 'POST', path: new RegExp(`^${root}/sobjects/[A-Za-z_0-9]+$`), request: ref('FieldValues'), responses: { '201': ref('CreateResult'), ...errors } },
  { name: 'query (PM rest/query)', method: 'GET', path: new RegExp(`^${root}/query/?$`), responses: { '200': ref('QueryResult'), ...errors } },
  { name: 'query more (DG nextRecordsUrl)', method: 'GET', path: new RegExp(`^${root}/query/[0-9A-Za-z]+-\\d+$`), responses: { '200': ref('QueryResult'), ...errors } },
  { name: 'composite (PM composite)', method: 'POST', path: new RegExp(`^${root}/composite/?$`), request: ref('CompositeRequest'), responses: { '200': ref('CompositeResponse'), ...errors } },
  { name: 'collections upsert (DG collections upsert)', method: 'PATCH', path: new RegExp(`^${root}/composite/sobjects/[A-Za-z_0-9]+/[A-Za-z_0-9]+$`), request: ref('CollectionWrite'), responses: { '200': { type: 'array', items: ref('UpsertResult') }, ...errors } },
  { name: 'collections update (PM sobject_collections_update)', method: 'PATCH', path: new RegExp(`^${root}/composite/sobjects$`), request: ref('CollectionWrite'), responses: { '200': { type: 'array', items: ref('SaveResult') }, ...errors } },
  { name: 'collections delete (PM sobject_collections_delete)', method: 'DELETE', path: new RegExp(`^${root}/composite/sobjects$`), responses: { '200': { type: 'array', items: ref('SaveResult') }, ...errors } },
];

/** Where the emulator answers otherwise than the documentation, kept on purpose (the test fails if one stops occurring). */
export const SALESFORCE_KNOWN_DIVERGENCES: KnownDivergence[] = [];
