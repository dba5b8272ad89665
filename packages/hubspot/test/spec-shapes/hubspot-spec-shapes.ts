/**
 * HubSpot's documented shapes for every endpoint the adapter calls, transcribed (subset: the
 * structural keywords, descriptions and examples left out) from HubSpot's own OpenAPI files in
 * HubSpot/HubSpot-public-api-spec-collection (see ../../../../../shared/vendor-specs/README.md):
 * - C = PublicApiSpecs/CRM/Contacts/Rollouts/424/v3/contacts.json (the notes file declares the same object schemas)
 * - P = PublicApiSpecs/CRM/Properties/Rollouts/145899/v3/properties.json
 * - A = PublicApiSpecs/CRM/Associations/Rollouts/130902/v4/associations.json
 * - S = PublicApiSpecs/Communication Preferences/Subscriptions/Rollouts/176901/v4/subscriptions.json
 * Each schema names its file and schema; the 429 body is from HubSpot's rate limit documentation.
 */
import { ref, type EndpointShape, type JsonSchema, type KnownDivergence, type SchemaComponents } from '@optintrail/adapter-test/spec-check';

const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };
const batchStatus: JsonSchema = { type: 'string', enum: ['PENDING', 'PROCESSING', 'CANCELED', 'COMPLETE'] };
const batchEnvelope = (item: string, withErrors: boolean): JsonSchema => ({
  type: 'object',
  required: ['completedAt', 'results', 'startedAt', 'status'],
  properties: {
    completedAt: dateTime,
    requestedAt: dateTime,
    startedAt: dateTime,
    links: stringMap,
    results: { type: 'array', items: ref(item) },
    status: batchStatus,
    ...(withErrors ? { numErrors: { type: 'integer' }, errors: { type: 'array', items: ref('StandardError') } } : {}),
  },
  // Without "WithErrors", a 200/201 answer carries no per-input errors.
  ...(withErrors ? {} : { additionalProperties: false }),
});

export const HUBSPOT_COMPONENTS: SchemaComponents = {
  // C: Error (the body of every error answer, `default` response of each operation)
  Error: {
    type: 'object',
    required: ['category', 'correlationId', 'message'],
    properties: {
      subCategory: { type: 'string' },
      context: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
      correlationId: { type: 'string' },
      links: stringMap,
      message: { type: 'string' },
      category: { type: 'string' },
      errors: { type: 'array', items: ref('ErrorDetail') },
    },
  },
  // C: ErrorDetail
  ErrorDetail: { type: 'object', required: ['message'], properties: { subCategory: { type: 'string' }, code: { type: 'string' }, in: { type: 'string' }, context: { type: 'object' }, message: { type: 'string' } } },
  // C: StandardError (per-input error of a 207)
  StandardError: {
    type: 'object',
    required: ['category', 'context', 'errors', 'links', 'message', 'status'],
    properties: {
      subCategory: { type: 'object' },
      context: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
      links: stringMap,
      id: { type: 'string' },
      category: { type: 'string' },
      message: { type: 'string' },
      errors: { type: 'array', items: ref('ErrorDetail') },
      status: { type: 'string' },
    },
  },
  // HubSpot docs, "API usage guidelines and limits" (429 body): status, message, errorType, correlationId, policyName.
  RateLimitError: { type: 'object', required: ['status', 'message', 'errorType', 'correlationId', 'policyName'], properties: { status: { type: 'string' }, message: { type: 'string' }, errorType: { type: 'string', enum: ['RATE_LIMIT'] }, correlationId: { type: 'string' }, policyName: { type: 'string' }, groupName: { type: 'string' } } },
  // C: ValueWithTimestamp
  ValueWithTimestamp: { type: 'object', required: ['sourceType', 'timestamp', 'value'], properties: { sourceId: { type: 'string' }, sourceType: { type: 'string' }, sourceLabel: { type: 'string' }, updatedByUserId: { type: 'integer' }, value: { type: 'string' }, timestamp: dateTime } },
  // C: SimplePublicObject
  SimplePublicObject: {
    type: 'object',
    required: ['createdAt', 'id', 'properties', 'updatedAt'],
    properties: {
      createdAt: dateTime,
      archived: { type: 'boolean' },
      archivedAt: dateTime,
      propertiesWithHistory: { type: 'object', additionalProperties: { type: 'array', items: ref('ValueWithTimestamp') } },
      id: { type: 'string' },
      objectWriteTraceId: { type: 'string' },
      properties: { type: 'object', additionalProperties: { type: 'string', nullable: true } },
      updatedAt: dateTime,
    },
  },
  // C: SimplePublicUpsertObject
  SimplePublicUpsertObject: {
    type: 'object',
    required: ['createdAt', 'id', 'new', 'properties', 'updatedAt'],
    properties: {
      createdAt: dateTime,
      archived: { type: 'boolean' },
      archivedAt: dateTime,
      new: { type: 'boolean' },
      propertiesWithHistory: { type: 'object', additionalProperties: { type: 'array', items: ref('ValueWithTimestamp') } },
      id: { type: 'string' },
      objectWriteTraceId: { type: 'string' },
      properties: stringMap,
      updatedAt: dateTime,
    },
  },
  // C: BatchResponseSimplePublicObject (+ WithErrors, the 207 of the same operation)
  BatchResponseSimplePublicObject: batchEnvelope('SimplePublicObject', false),
  BatchResponseSimplePublicObjectWithErrors: batchEnvelope('SimplePublicObject', true),
  // C: BatchResponseSimplePublicUpsertObject (+ WithErrors)
  BatchResponseSimplePublicUpsertObject: batchEnvelope('SimplePublicUpsertObject', false),
  BatchResponseSimplePublicUpsertObjectWithErrors: batchEnvelope('SimplePublicUpsertObject', true),
  // C: SimplePublicObjectId, BatchInputSimplePublicObjectId, BatchReadInputSimplePublicObjectId
  SimplePublicObjectId: { type: 'object', required: ['id'], properties: { id: { type: 'string' } }, additionalProperties: false },
  BatchInputSimplePublicObjectId: { type: 'object', required: ['inputs'], properties: { inputs: { type: 'array', maxItems: 100, items: ref('SimplePublicObjectId') } }, additionalProperties: false },
  BatchReadInputSimplePublicObjectId: {
    type: 'object',
    required: ['inputs', 'properties', 'propertiesWithHistory'],
    properties: { propertiesWithHistory: { type: 'array', items: { type: 'string' } }, idProperty: { type: 'string' }, inputs: { type: 'array', maxItems: 100, items: ref('SimplePublicObjectId') }, properties: { type: 'array', items: { type: 'string' } } },
    additionalProperties: false,
  },
  // C: SimplePublicObjectBatchInputUpsert, BatchInputSimplePublicObjectBatchInputUpsert
  SimplePublicObjectBatchInputUpsert: { type: 'object', required: ['id', 'properties'], properties: { idProperty: { type: 'string' }, objectWriteTraceId: { type: 'string' }, id: { type: 'string' }, properties: stringMap }, additionalProperties: false },
  BatchInputSimplePublicObjectBatchInputUpsert: { type: 'object', required: ['inputs'], properties: { inputs: { type: 'array', maxItems: 100, items: ref('SimplePublicObjectBatchInputUpsert') } }, additionalProperties: false },
  // C: SimplePublicObjectBatchInput, BatchInputSimplePublicObjectBatchInput
  SimplePublicObjectBatchInput: { type: 'object', required: ['id', 'properties'], properties: { idProperty: { type: 'string' }, objectWriteTraceId: { type: 'string' }, id: { type: 'string' }, properties: stringMap }, additionalProperties: false },
  BatchInputSimplePublicObjectBatchInput: { type: 'object', required: ['inputs'], properties: { inputs: { type: 'array', maxItems: 100, items: ref('SimplePublicObjectBatchInput') } }, additionalProperties: false },
  // C: SimplePublicObjectInput (single update)
  SimplePublicObjectInput: { type: 'object', required: ['properties'], properties: { properties: stringMap }, additionalProperties: false },
  // C: AssociationSpec, PublicObjectId, PublicAssociationsForObject
  AssociationSpec: { type: 'object', required: ['associationCategory', 'associationTypeId'], properties: { associationCategory: { type: 'string', enum: ['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED'] }, associationTypeId: { type: 'integer' } }, additionalProperties: false },
  PublicObjectId: { type: 'object', required: ['id'], properties: { id: { type: 'string' } }, additionalProperties: false },
  PublicAssociationsForObject: { type: 'object', required: ['to', 'types'], properties: { types: { type: 'array', items: ref('AssociationSpec') }, to: ref('PublicObjectId') }, additionalProperties: false },
  // C: SimplePublicObjectBatchInputForCreate, BatchInputSimplePublicObjectBatchInputForCreate
  SimplePublicObjectBatchInputForCreate: { type: 'object', required: ['properties'], properties: { associations: { type: 'array', items: ref('PublicAssociationsForObject') }, objectWriteTraceId: { type: 'string' }, properties: stringMap }, additionalProperties: false },
  BatchInputSimplePublicObjectBatchInputForCreate: { type: 'object', required: ['inputs'], properties: { inputs: { type: 'array', maxItems: 100, items: ref('SimplePublicObjectBatchInputForCreate') } }, additionalProperties: false },
  // C: PublicGdprDeleteInput
  PublicGdprDeleteInput: { type: 'object', required: ['objectId'], properties: { idProperty: { type: 'string' }, objectId: { type: 'string' } }, additionalProperties: false },
  // P: PropertyGroup, CollectionResponsePropertyGroupNoPaging, PropertyGroupCreate
  PropertyGroup: { type: 'object', required: ['archived', 'displayOrder', 'label', 'name'], properties: { archived: { type: 'boolean' }, name: { type: 'string' }, displayOrder: { type: 'integer' }, label: { type: 'string' } } },
  CollectionResponsePropertyGroupNoPaging: { type: 'object', required: ['results'], properties: { results: { type: 'array', items: ref('PropertyGroup') } } },
  PropertyGroupCreate: { type: 'object', required: ['label', 'name'], properties: { name: { type: 'string' }, displayOrder: { type: 'integer' }, label: { type: 'string' } }, additionalProperties: false },
  // P: Option, OptionInput, PropertyModificationMetadata, Property, CollectionResponsePropertyNoPaging
  Option: { type: 'object', required: ['hidden', 'label', 'value'], properties: { hidden: { type: 'boolean' }, displayOrder: { type: 'integer' }, description: { type: 'string' }, label: { type: 'string' }, value: { type: 'string' } } },
  OptionInput: { type: 'object', required: ['hidden', 'label', 'value'], properties: { hidden: { type: 'boolean' }, displayOrder: { type: 'integer' }, description: { type: 'string' }, label: { type: 'string' }, value: { type: 'string' } }, additionalProperties: false },
  PropertyModificationMetadata: { type: 'object', required: ['archivable', 'readOnlyDefinition', 'readOnlyValue'], properties: { readOnlyOptions: { type: 'boolean' }, readOnlyValue: { type: 'boolean' }, readOnlyDefinition: { type: 'boolean' }, archivable: { type: 'boolean' } } },
  Property: {
    type: 'object',
    required: ['description', 'fieldType', 'groupName', 'label', 'name', 'options', 'type'],
    properties: {
      createdUserId: { type: 'string' },
      hidden: { type: 'boolean' },
      modificationMetadata: ref('PropertyModificationMetadata'),
      displayOrder: { type: 'integer' },
      description: { type: 'string' },
      showCurrencySymbol: { type: 'boolean' },
      label: { type: 'string' },
      type: { type: 'string' },
      hubspotDefined: { type: 'boolean' },
      formField: { type: 'boolean' },
      createdAt: dateTime,
      archivedAt: dateTime,
      archived: { type: 'boolean' },
      groupName: { type: 'string' },
      referencedObjectType: { type: 'string' },
      name: { type: 'string' },
      options: { type: 'array', items: ref('Option') },
      calculationFormula: { type: 'string' },
      hasUniqueValue: { type: 'boolean' },
      fieldType: { type: 'string' },
      updatedUserId: { type: 'string' },
      updatedAt: dateTime,
      externalOptions: { type: 'boolean' },
      dataSensitivity: { type: 'string', enum: ['non_sensitive', 'sensitive', 'highly_sensitive'] },
    },
  },
  CollectionResponsePropertyNoPaging: { type: 'object', required: ['results'], properties: { results: { type: 'array', items: ref('Property') } } },
  // P: PropertyCreate, BatchInputPropertyCreate, BatchResponseProperty (+ WithErrors)
  PropertyCreate: {
    type: 'object',
    required: ['fieldType', 'groupName', 'label', 'name', 'type'],
    properties: {
      hidden: { type: 'boolean' },
      displayOrder: { type: 'integer' },
      description: { type: 'string' },
      label: { type: 'string' },
      type: { type: 'string', enum: ['string', 'number', 'date', 'datetime', 'enumeration', 'bool'] },
      formField: { type: 'boolean' },
      groupName: { type: 'string' },
      referencedObjectType: { type: 'string' },
      name: { type: 'string' },
      options: { type: 'array', items: ref('OptionInput') },
      calculationFormula: { type: 'string' },
      hasUniqueValue: { type: 'boolean' },
      fieldType: { type: 'string', enum: ['textarea', 'text', 'date', 'file', 'number', 'select', 'radio', 'checkbox', 'booleancheckbox', 'calculation_equation'] },
      externalOptions: { type: 'boolean' },
      dataSensitivity: { type: 'string', enum: ['non_sensitive', 'sensitive', 'highly_sensitive'] },
    },
    additionalProperties: false,
  },
  BatchInputPropertyCreate: { type: 'object', required: ['inputs'], properties: { inputs: { type: 'array', items: ref('PropertyCreate') } }, additionalProperties: false },
  BatchResponseProperty: batchEnvelope('Property', false),
  BatchResponsePropertyWithErrors: batchEnvelope('Property', true),
  // A: PublicFetchAssociationsBatchRequest, BatchInputPublicFetchAssociationsBatchRequest
  PublicFetchAssociationsBatchRequest: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, after: { type: 'string' } }, additionalProperties: false },
  BatchInputPublicFetchAssociationsBatchRequest: { type: 'object', required: ['inputs'], properties: { inputs: { type: 'array', items: ref('PublicFetchAssociationsBatchRequest') } }, additionalProperties: false },
  // A: AssociationSpecWithLabel, MultiAssociatedObjectWithLabel, NextPage, Paging, PublicAssociationMultiWithLabel
  AssociationSpecWithLabel: { type: 'object', required: ['category', 'typeId'], properties: { typeId: { type: 'integer' }, label: { type: 'string', nullable: true }, category: { type: 'string', enum: ['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED'] } } },
  MultiAssociatedObjectWithLabel: { type: 'object', required: ['associationTypes', 'toObjectId'], properties: { associationTypes: { type: 'array', items: ref('AssociationSpecWithLabel') }, toObjectId: { type: 'string' } } },
  NextPage: { type: 'object', required: ['after'], properties: { link: { type: 'string' }, after: { type: 'string' } } },
  Paging: { type: 'object', properties: { next: ref('NextPage'), prev: { type: 'object' } } },
  PublicAssociationMultiWithLabel: { type: 'object', required: ['from', 'to'], properties: { from: ref('PublicObjectId'), paging: ref('Paging'), to: { type: 'array', items: ref('MultiAssociatedObjectWithLabel') } } },
  BatchResponsePublicAssociationMultiWithLabel: batchEnvelope('PublicAssociationMultiWithLabel', false),
  BatchResponsePublicAssociationMultiWithLabelWithErrors: batchEnvelope('PublicAssociationMultiWithLabel', true),
  // A: CollectionResponseMultiAssociatedObjectWithLabel (GET /crm/v4/objects/{type}/{id}/associations/{toType})
  CollectionResponseMultiAssociatedObjectWithLabel: { type: 'object', required: ['results'], properties: { results: { type: 'array', items: ref('MultiAssociatedObjectWithLabel') }, paging: ref('Paging') } },
  // S: SubscriptionDefinition, ActionResponseWithResultsSubscriptionDefinition
  SubscriptionDefinition: {
    type: 'object',
    required: ['createdAt', 'description', 'id', 'isActive', 'isDefault', 'isInternal', 'name', 'updatedAt'],
    properties: { businessUnitId: { type: 'integer' }, communicationMethod: { type: 'string' }, createdAt: dateTime, description: { type: 'string' }, id: { type: 'string' }, isActive: { type: 'boolean' }, isDefault: { type: 'boolean' }, isInternal: { type: 'boolean' }, name: { type: 'string' }, purpose: { type: 'string' }, subscriptionTranslations: { type: 'array' }, updatedAt: dateTime },
  },
  ActionResponseWithResultsSubscriptionDefinition: batchEnvelope('SubscriptionDefinition', true),
  // S: PublicStatusRequest, BatchInputPublicStatusRequest
  PublicStatusRequest: {
    type: 'object',
    required: ['channel', 'statusState', 'subscriberIdString', 'subscriptionId'],
    properties: {
      channel: { type: 'string', enum: ['EMAIL'] },
      legalBasis: { type: 'string', enum: ['CONSENT_WITH_NOTICE', 'LEGITIMATE_INTEREST_CLIENT', 'LEGITIMATE_INTEREST_OTHER', 'LEGITIMATE_INTEREST_PQL', 'NON_GDPR', 'PERFORMANCE_OF_CONTRACT', 'PROCESS_AND_STORE'] },
      legalBasisExplanation: { type: 'string' },
      statusState: { type: 'string', enum: ['NOT_SPECIFIED', 'SUBSCRIBED', 'UNSUBSCRIBED'] },
      subscriberIdString: { type: 'string' },
      subscriptionId: { type: 'integer' },
    },
    additionalProperties: false,
  },
  BatchInputPublicStatusRequest: { type: 'object', required: ['inputs'], properties: { inputs: { type: 'array', items: ref('PublicStatusRequest') } }, additionalProperties: false },
  // S: PublicStatus, BatchResponsePublicStatus
  PublicStatus: {
    type: 'object',
    required: ['channel', 'source', 'status', 'subscriberIdString', 'subscriptionId', 'timestamp'],
    properties: {
      businessUnitId: { type: 'integer' },
      channel: { type: 'string', enum: ['EMAIL'] },
      legalBasis: { type: 'string', enum: ['CONSENT_WITH_NOTICE', 'LEGITIMATE_INTEREST_CLIENT', 'LEGITIMATE_INTEREST_OTHER', 'LEGITIMATE_INTEREST_PQL', 'NON_GDPR', 'PERFORMANCE_OF_CONTRACT', 'PROCESS_AND_STORE'] },
      legalBasisExplanation: { type: 'string' },
      setStatusSuccessReason: { type: 'string', enum: ['NO_STATUS_CHANGE', 'REQUESTED_CHANGE_OCCURRED', 'RESUBSCRIBE_OCCURRED', 'UNSUBSCRIBE_FROM_ALL_OCCURRED'] },
      source: { type: 'string' },
      status: { type: 'string', enum: ['NOT_SPECIFIED', 'SUBSCRIBED', 'UNSUBSCRIBED'] },
      subscriberIdString: { type: 'string' },
      subscriptionId: { type: 'integer' },
      subscriptionName: { type: 'string' },
      timestamp: dateTime,
    },
  },
  BatchResponsePublicStatus: batchEnvelope('PublicStatus', true),
};

/** Errors every operation may answer: its `default` (C: components/responses/Error), and the 429 of the rate limits. */
const errors = { default: ref('Error'), '429': ref('RateLimitError') };
const objects = '(contacts|notes)';

/** Every endpoint the adapter calls, with its documented request and answers. */
export const HUBSPOT_ENDPOINTS: EndpointShape[] = [
  { name: 'properties groups list (P)', method: 'GET', path: /^\/crm\/v3\/properties\/contacts\/groups$/, responses: { '200': ref('CollectionResponsePropertyGroupNoPaging'), ...errors } },
  { name: 'properties groups create (P)', method: 'POST', path: /^\/crm\/v3\/properties\/contacts\/groups$/, request: ref('PropertyGroupCreate'), responses: { '201': ref('PropertyGroup'), ...errors } },
  { name: 'properties list (P)', method: 'GET', path: /^\/crm\/v3\/properties\/contacts$/, responses: { '200': ref('CollectionResponsePropertyNoPaging'), ...errors } },
  { name: 'properties batch create (P)', method: 'POST', path: /^\/crm\/v3\/properties\/contacts\/batch\/create$/, request: ref('BatchInputPropertyCreate'), responses: { '201': ref('BatchResponseProperty'), '207': ref('BatchResponsePropertyWithErrors'), ...errors } },
  { name: 'objects batch read (C)', method: 'POST', path: new RegExp(`^/crm/v3/objects/${objects}/batch/read$`), request: ref('BatchReadInputSimplePublicObjectId'), responses: { '200': ref('BatchResponseSimplePublicObject'), '207': ref('BatchResponseSimplePublicObjectWithErrors'), ...errors } },
  { name: 'contacts batch upsert (C)', method: 'POST', path: /^\/crm\/v3\/objects\/contacts\/batch\/upsert$/, request: ref('BatchInputSimplePublicObjectBatchInputUpsert'), responses: { '200': ref('BatchResponseSimplePublicUpsertObject'), '207': ref('BatchResponseSimplePublicUpsertObjectWithErrors'), ...errors } },
  { name: 'contacts batch update (C)', method: 'POST', path: /^\/crm\/v3\/objects\/contacts\/batch\/update$/, request: ref('BatchInputSimplePublicObjectBatchInput'), responses: { '200': ref('BatchResponseSimplePublicObject'), '207': ref('BatchResponseSimplePublicObjectWithErrors'), ...errors } },
  { name: 'contacts update (C)', method: 'PATCH', path: /^\/crm\/v3\/objects\/contacts\/[^/]+$/, request: ref('SimplePublicObjectInput'), responses: { '200': ref('SimplePublicObject'), ...errors } },
  { name: 'notes batch create (notes v3, same schemas as C)', method: 'POST', path: /^\/crm\/v3\/objects\/notes\/batch\/create$/, request: ref('BatchInputSimplePublicObjectBatchInputForCreate'), responses: { '201': ref('BatchResponseSimplePublicObject'), '207': ref('BatchResponseSimplePublicObjectWithErrors'), ...errors } },
  { name: 'notes batch archive (notes v3)', method: 'POST', path: /^\/crm\/v3\/objects\/notes\/batch\/archive$/, request: ref('BatchInputSimplePublicObjectId'), responses: { '204': null, ...errors } },
  { name: 'contacts gdpr-delete (C)', method: 'POST', path: /^\/crm\/v3\/objects\/contacts\/gdpr-delete$/, request: ref('PublicGdprDeleteInput'), responses: { '204': null, ...errors } },
  { name: 'associations batch read (A)', method: 'POST', path: /^\/crm\/v4\/associations\/contacts\/notes\/batch\/read$/, request: ref('BatchInputPublicFetchAssociationsBatchRequest'), responses: { '200': ref('BatchResponsePublicAssociationMultiWithLabel'), '207': ref('BatchResponsePublicAssociationMultiWithLabelWithErrors'), ...errors } },
  { name: 'associations page (A)', method: 'GET', path: /^\/crm\/v4\/objects\/contacts\/[^/]+\/associations\/notes$/, responses: { '200': ref('CollectionResponseMultiAssociatedObjectWithLabel'), ...errors } },
  { name: 'subscription definitions (S)', method: 'GET', path: /^\/communication-preferences\/v4\/definitions$/, responses: { '200': ref('ActionResponseWithResultsSubscriptionDefinition'), ...errors } },
  { name: 'subscription statuses batch write (S)', method: 'POST', path: /^\/communication-preferences\/v4\/statuses\/batch\/write$/, request: ref('BatchInputPublicStatusRequest'), responses: { '200': ref('BatchResponsePublicStatus'), '207': ref('BatchResponsePublicStatus'), ...errors } },
];

/** Where the emulator answers otherwise than the spec, kept on purpose (the test fails if one stops occurring). */
export const HUBSPOT_KNOWN_DIVERGENCES: KnownDivergence[] = [
  {
    pattern: /\[contacts batch upsert \(C\)\]: response\.results\[\d+\]\.properties\.\w+: null where string is documented/,
    reason:
      'C: SimplePublicUpsertObject.properties is { type: string } without nullable (and @hubspot/api-client 13.5 types it string), while SimplePublicObject.properties is nullable; the emulator answers null for unset properties in both. [R] what HubSpot itself answers; the adapter reads either.',
  },
];
