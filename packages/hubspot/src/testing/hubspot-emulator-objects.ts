import type { EmulatorRequest, EmulatorResponse, Router } from '@optintrail/emulator-kit';
import { objectLabel, propertyProblemsFailure, recordJson, type HubSpotRouteContext } from './hubspot-emulator-context';
import { failure, standardError, validationFailure, type HubSpotStandardError } from './hubspot-emulator-errors';
import {
  batchResponse,
  bodyList,
  isObject,
  json,
  maxHistoryBatchInputs,
  noContent,
  objectTypeParameter,
  queryBoolean,
  queryList,
  readInputs,
  readJson,
} from './hubspot-emulator-http';
import { normalizeValue, objectTypeIds, type HubSpotObjectType, type PropertyValueProblem } from './hubspot-emulator-schema';
import { associationTypes, compareIds, type StoredRecord } from './hubspot-emulator-store';
import { searchRecords } from './hubspot-emulator-search';

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Registers `/crm/v3/objects/{objectType}/…` for contacts and notes (crm-contacts-v3.json, crm-notes-v3.json). */
export function registerObjectRoutes(router: Router, context: HubSpotRouteContext): void {
  const base = '/crm/v3/objects/:objectType';
  router.post('/crm/v3/objects/contacts/gdpr-delete', (request) => gdprDelete(context, request));
  router.post(`${base}/batch/create`, (request) => batchCreate(context, request));
  router.post(`${base}/batch/read`, (request) => batchRead(context, request));
  router.post(`${base}/batch/update`, (request) => batchUpdate(context, request));
  router.post(`${base}/batch/upsert`, (request) => batchUpsert(context, request));
  router.post(`${base}/batch/archive`, (request) => batchArchive(context, request));
  router.post(`${base}/search`, (request) => searchRecords(context, request, objectTypeParameter(request.params['objectType'])));
  router.get(base, (request) => listRecords(context, request));
  router.post(base, (request) => createOne(context, request));
  router.get(`${base}/:objectId`, (request) => getOne(context, request));
  router.patch(`${base}/:objectId`, (request) => updateOne(context, request));
  router.delete(`${base}/:objectId`, (request) => archiveOne(context, request));
}

/** A create input after validation: normalized values and the associations to make. */
interface PreparedCreate {
  values: Record<string, string>;
  associations: Array<{ toType: HubSpotObjectType; toId: string }>;
  objectWriteTraceId: string | undefined;
}

function normalizeProperties(context: HubSpotRouteContext, type: HubSpotObjectType, raw: unknown, problems: PropertyValueProblem[]): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw validationFailure('Invalid input JSON: "properties" must be an object of property names to string values');
  const definitions = context.store.definitionsOf(type);
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const result = normalizeValue(definitions.get(name), name, value);
    if ('problem' in result) {
      problems.push(result.problem);
      continue;
    }
    if (type === 'contacts' && name === 'email' && result.value !== '') {
      const email = result.value.trim().toLowerCase();
      if (!emailPattern.test(email)) {
        const message = `Email address ${result.value} is invalid`;
        problems.push({ isValid: false, message, error: 'INVALID_EMAIL', name, localizedErrorMessage: message });
        continue;
      }
      values[name] = email;
      continue;
    }
    values[name] = result.value;
  }
  return values;
}

function prepareCreate(context: HubSpotRouteContext, type: HubSpotObjectType, input: unknown, problems: PropertyValueProblem[]): PreparedCreate {
  if (!isObject(input)) throw validationFailure('Invalid input JSON: each input must be an object');
  const values = normalizeProperties(context, type, input['properties'] ?? {}, problems);
  if (type === 'notes' && !values['hs_timestamp']) {
    const message = 'Property "hs_timestamp" is required when creating a note.';
    problems.push({ isValid: false, message, error: 'REQUIRED_PROPERTY', name: 'hs_timestamp', localizedErrorMessage: message });
  }
  const associations = prepareAssociations(context, type, input['associations']);
  const trace = input['objectWriteTraceId'];
  return { values, associations, objectWriteTraceId: typeof trace === 'string' ? trace : undefined };
}

/** Inline associations of a create (`PublicAssociationsForObject[]`): every type must be known and every target live. */
function prepareAssociations(context: HubSpotRouteContext, type: HubSpotObjectType, raw: unknown): PreparedCreate['associations'] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw validationFailure('Invalid input JSON: "associations" must be an array');
  const prepared: PreparedCreate['associations'] = [];
  for (const association of raw) {
    if (!isObject(association) || !isObject(association['to']) || typeof association['to']['id'] !== 'string' || !Array.isArray(association['types'])) {
      throw validationFailure('Invalid input JSON: each association needs "to": { "id" } and "types": [{ "associationCategory", "associationTypeId" }]');
    }
    const toId = association['to']['id'];
    for (const spec of association['types']) {
      if (!isObject(spec)) throw validationFailure('Invalid input JSON: association types must be objects');
      const category = spec['associationCategory'];
      const typeId = spec['associationTypeId'];
      const match = Object.entries(associationTypes).find(([pair, known]) => pair.startsWith(`${type}->`) && known.typeId === typeId);
      if (!match || category !== 'HUBSPOT_DEFINED') {
        throw validationFailure(`${String(category)} association type ${String(typeId)} is not valid from ${objectTypeIds[type]}.`, {
          context: { associationTypeId: [String(typeId)] },
        });
      }
      const toType = match[0].split('->')[1] as HubSpotObjectType;
      if (!context.store.find(toType, toId)) {
        throw validationFailure(`One or more associations are invalid: ${objectLabel(toType)} ${toId} does not exist.`, { context: { toObjectId: [toId] } });
      }
      prepared.push({ toType, toId });
    }
  }
  return prepared;
}

/** Unique-value checks (contact email, `hasUniqueValue` properties) across the store and within one batch. */
function assertUnique(context: HubSpotRouteContext, type: HubSpotObjectType, planned: Array<{ target: StoredRecord | undefined; values: Record<string, string> }>): void {
  const definitions = context.store.definitionsOf(type);
  const uniqueNames = [...definitions.values()].filter((definition) => definition.hasUniqueValue || (type === 'contacts' && definition.name === 'email')).map((definition) => definition.name);
  for (const name of uniqueNames) {
    const seen = new Map<string, number>();
    planned.forEach(({ target, values }, index) => {
      const value = values[name];
      if (!value) return;
      const key = name === 'email' ? value.toLowerCase() : value;
      if (seen.has(key)) throw validationFailure(`Duplicate ${name} values found in batch input: ${value}`, { context: { [name]: [value] } });
      seen.set(key, index);
      const existing = context.store.find(type, value, name);
      if (existing && existing.id !== target?.id) {
        const message = type === 'contacts' && name === 'email' ? `Contact already exists. Existing ID: ${existing.id}` : `A record with ${name}=${value} already exists. Existing ID: ${existing.id}`;
        throw failure(409, 'CONFLICT', message, { context: { id: [existing.id] } });
      }
    });
  }
}

/** The property a batch may identify records by: the record id, or a property whose values are unique. */
function checkIdProperty(context: HubSpotRouteContext, type: HubSpotObjectType, idProperty: unknown): string | undefined {
  if (idProperty === undefined || idProperty === null || idProperty === 'hs_object_id') return undefined;
  if (typeof idProperty !== 'string') throw validationFailure('Invalid input JSON: "idProperty" must be a string');
  const definition = context.store.definitionsOf(type).get(idProperty);
  const unique = definition && !definition.archived && (definition.hasUniqueValue || (type === 'contacts' && idProperty === 'email'));
  if (!unique) throw validationFailure(`Unable to perform update/upsert by non-unique ${objectTypeIds[type]} property ${idProperty}`);
  return idProperty;
}

function recordFailure(context: HubSpotRouteContext, request: EmulatorRequest, id: string | undefined, trace: string | undefined): HubSpotStandardError | undefined {
  if (!context.faults.failRecord(request)) return undefined;
  const errorContext: Record<string, string[]> = {};
  if (id !== undefined) errorContext['ids'] = [id];
  if (trace !== undefined) errorContext['objectWriteTraceId'] = [trace];
  return standardError('INTERNAL_ERROR', 'This record failed (injected by the emulator fault switch partialFailure); retry it.', errorContext);
}

function batchCreate(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const startedAt = new Date().toISOString();
  const inputs = readInputs(readJson(request));
  const problems: PropertyValueProblem[] = [];
  const prepared = inputs.map((input) => prepareCreate(context, type, input, problems));
  if (problems.length > 0) throw propertyProblemsFailure(problems, context.portalId);
  assertUnique(context, type, prepared.map((input) => ({ target: undefined, values: input.values })));
  const results: unknown[] = [];
  const errors: HubSpotStandardError[] = [];
  for (const input of prepared) {
    const failed = recordFailure(context, request, undefined, input.objectWriteTraceId);
    if (failed) {
      errors.push(failed);
      continue;
    }
    const record = createRecord(context, type, input);
    const body = recordJson(context.store, record, { written: Object.keys(input.values) });
    if (input.objectWriteTraceId !== undefined) body['objectWriteTraceId'] = input.objectWriteTraceId;
    results.push(body);
  }
  return batchResponse(results, errors, startedAt, new Date().toISOString(), 201);
}

function createRecord(context: HubSpotRouteContext, type: HubSpotObjectType, input: PreparedCreate): StoredRecord {
  const record = context.store.create(type, input.values, context.integrationSource);
  for (const association of input.associations) context.store.associate(type, record.id, association.toType, association.toId);
  return record;
}

function createOne(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const problems: PropertyValueProblem[] = [];
  const input = prepareCreate(context, type, readJson(request), problems);
  if (problems.length > 0) throw propertyProblemsFailure(problems, context.portalId);
  assertUnique(context, type, [{ target: undefined, values: input.values }]);
  const record = createRecord(context, type, input);
  // The SDK 13.5 expects 201 here (the current spec file says 200 with a wrapper; the SDK would throw on it).
  return json(201, recordJson(context.store, record, { written: Object.keys(input.values) }));
}

function batchRead(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const startedAt = new Date().toISOString();
  const body = readJson(request);
  const propertiesWithHistory = bodyList(body, 'propertiesWithHistory');
  const inputs = readInputs(body);
  if (propertiesWithHistory && propertiesWithHistory.length > 0 && inputs.length > maxHistoryBatchInputs) {
    throw validationFailure(
      `The maximum number of inputs supported in a batch request for property histories is ${maxHistoryBatchInputs}. Please reduce the number of items and try again`,
    );
  }
  const idProperty = checkIdProperty(context, type, body['idProperty']);
  const properties = bodyList(body, 'properties');
  const archived = queryBoolean(request, 'archived');
  const results: unknown[] = [];
  const missing: string[] = [];
  const errors: HubSpotStandardError[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    if (!isObject(input) || typeof input['id'] !== 'string') throw validationFailure('Invalid input JSON: each input needs an "id" string');
    const id = input['id'];
    const failed = recordFailure(context, request, id, undefined);
    if (failed) {
      errors.push(failed);
      continue;
    }
    const record = context.store.find(type, id, idProperty, { archived });
    if (!record) {
      missing.push(id);
      continue;
    }
    // The same record asked twice comes back once.
    if (seen.has(record.id)) continue;
    seen.add(record.id);
    results.push(recordJson(context.store, record, { properties: properties ?? [], propertiesWithHistory }));
  }
  if (missing.length > 0) {
    errors.unshift(
      standardError('OBJECT_NOT_FOUND', `Could not get some ${objectLabel(type)} objects, they may be deleted or not exist. Check that ids are valid.`, { ids: missing }),
    );
  }
  return batchResponse(results, errors, startedAt, new Date().toISOString(), 200);
}

function batchUpdate(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const startedAt = new Date().toISOString();
  const inputs = readInputs(readJson(request));
  const problems: PropertyValueProblem[] = [];
  const prepared = inputs.map((input) => {
    if (!isObject(input) || typeof input['id'] !== 'string') throw validationFailure('Invalid input JSON: each input needs an "id" string and "properties"');
    const idProperty = checkIdProperty(context, type, input['idProperty']);
    const values = normalizeProperties(context, type, input['properties'], problems);
    const trace = typeof input['objectWriteTraceId'] === 'string' ? input['objectWriteTraceId'] : undefined;
    return { id: input['id'], target: context.store.find(type, input['id'], idProperty), values, trace };
  });
  if (problems.length > 0) throw propertyProblemsFailure(problems, context.portalId);
  assertUnique(context, type, prepared.filter((input) => input.target).map((input) => ({ target: input.target, values: input.values })));
  const results: unknown[] = [];
  const errors: HubSpotStandardError[] = [];
  const missing: string[] = [];
  for (const input of prepared) {
    const failed = recordFailure(context, request, input.id, input.trace);
    if (failed) {
      errors.push(failed);
      continue;
    }
    if (!input.target) {
      missing.push(input.id);
      continue;
    }
    context.store.update(input.target, input.values, context.integrationSource);
    const body = recordJson(context.store, input.target, { written: Object.keys(input.values) });
    if (input.trace !== undefined) body['objectWriteTraceId'] = input.trace;
    results.push(body);
  }
  if (missing.length > 0) {
    errors.unshift(standardError('OBJECT_NOT_FOUND', `Could not update some ${objectLabel(type)} objects, they may be deleted or not exist. Check that ids are valid.`, { ids: missing }));
  }
  return batchResponse(results, errors, startedAt, new Date().toISOString(), 200);
}

function batchUpsert(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const startedAt = new Date().toISOString();
  const inputs = readInputs(readJson(request));
  const problems: PropertyValueProblem[] = [];
  const keys = new Set<string>();
  const duplicates: string[] = [];
  const prepared = inputs.map((input) => {
    if (!isObject(input) || typeof input['id'] !== 'string') throw validationFailure('Invalid input JSON: each input needs an "id" string and "properties"');
    const idProperty = checkIdProperty(context, type, input['idProperty']);
    const id = idProperty === 'email' ? input['id'].trim().toLowerCase() : input['id'];
    const key = `${idProperty ?? 'hs_object_id'}:${id}`;
    if (keys.has(key)) duplicates.push(input['id']);
    keys.add(key);
    const values = normalizeProperties(context, type, input['properties'], problems);
    if (idProperty) {
      // The id is the unique value: check it like any written value.
      const idValues = normalizeProperties(context, type, { [idProperty]: input['id'] }, problems);
      Object.assign(values, idValues);
    }
    const trace = typeof input['objectWriteTraceId'] === 'string' ? input['objectWriteTraceId'] : undefined;
    return { id: input['id'], idProperty, target: context.store.find(type, id, idProperty), values, trace };
  });
  if (duplicates.length > 0) throw validationFailure(`Duplicate IDs found in batch input: [${duplicates.join(', ')}]. IDs must be unique`, { context: { ids: duplicates } });
  if (problems.length > 0) throw propertyProblemsFailure(problems, context.portalId);
  assertUnique(context, type, prepared.map((input) => ({ target: input.target, values: input.values })));
  const results: unknown[] = [];
  const errors: HubSpotStandardError[] = [];
  const missing: string[] = [];
  for (const input of prepared) {
    const failed = recordFailure(context, request, input.id, input.trace);
    if (failed) {
      errors.push(failed);
      continue;
    }
    let record = input.target;
    let created = false;
    if (record) {
      context.store.update(record, input.values, context.integrationSource);
    } else if (input.idProperty) {
      record = context.store.create(type, input.values, context.integrationSource);
      created = true;
    } else {
      missing.push(input.id);
      continue;
    }
    const body = recordJson(context.store, record, { written: Object.keys(input.values) });
    body['new'] = created;
    if (input.trace !== undefined) body['objectWriteTraceId'] = input.trace;
    results.push(body);
  }
  if (missing.length > 0) {
    errors.unshift(standardError('OBJECT_NOT_FOUND', `Could not upsert some ${objectLabel(type)} objects by record id, they may be deleted or not exist.`, { ids: missing }));
  }
  return batchResponse(results, errors, startedAt, new Date().toISOString(), 200);
}

function batchArchive(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const inputs = readInputs(readJson(request));
  for (const input of inputs) {
    if (!isObject(input) || typeof input['id'] !== 'string') throw validationFailure('Invalid input JSON: each input needs an "id" string');
    const record = context.store.find(type, input['id']);
    // 204 whatever the ids were, as HubSpot answers.
    if (record) context.store.archive(record);
  }
  return noContent();
}

function notFound(id: string) {
  return failure(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', { context: { id: [id] } });
}

function getOne(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const id = request.params['objectId'] ?? '';
  const idProperty = checkIdProperty(context, type, request.query.get('idProperty') ?? undefined);
  const record = context.store.find(type, id, idProperty, { archived: queryBoolean(request, 'archived') });
  if (!record) throw notFound(id);
  const body = recordJson(context.store, record, { properties: queryList(request, 'properties'), propertiesWithHistory: queryList(request, 'propertiesWithHistory') });
  const associationTargets = queryList(request, 'associations');
  if (associationTargets) body['associations'] = associationsJson(context, record, associationTargets);
  return json(200, body);
}

/** v3-style `associations` on a read: `{ notes: { results: [{ id, type: "contact_to_note" }] } }`. */
function associationsJson(context: HubSpotRouteContext, record: StoredRecord, targets: string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const target of targets) {
    const toType = objectTypeParameter(target);
    const pair = associationTypes[`${record.objectType}->${toType}`];
    if (!pair) continue;
    const found = context.store.associationsFrom(record.objectType, record.id, toType);
    if (found.length === 0) continue;
    result[toType] = { results: found.map((association) => ({ id: association.toId, type: pair.name })) };
  }
  return result;
}

function updateOne(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const id = request.params['objectId'] ?? '';
  const idProperty = checkIdProperty(context, type, request.query.get('idProperty') ?? undefined);
  const body = readJson(request);
  const problems: PropertyValueProblem[] = [];
  const values = normalizeProperties(context, type, body['properties'], problems);
  if (problems.length > 0) throw propertyProblemsFailure(problems, context.portalId);
  const record = context.store.find(type, id, idProperty);
  if (!record) throw notFound(id);
  assertUnique(context, type, [{ target: record, values }]);
  context.store.update(record, values, context.integrationSource);
  return json(200, recordJson(context.store, record, { written: Object.keys(values) }));
}

function archiveOne(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const record = context.store.find(type, request.params['objectId'] ?? '');
  if (record) context.store.archive(record);
  return noContent();
}

/** `GET /crm/v3/objects/{type}`: records in id order; `after` is the id of the first record of the next page. */
function listRecords(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const propertiesWithHistory = queryList(request, 'propertiesWithHistory');
  const requestedLimit = request.query.has('limit') ? Number(request.query.get('limit')) : 10;
  if (!Number.isInteger(requestedLimit) || requestedLimit < 1) throw validationFailure(`limit must be a positive integer, got ${request.query.get('limit')}`);
  // [R] HubSpot caps pages at 100 records (50 with history) rather than refusing larger limits.
  const limit = Math.min(requestedLimit, propertiesWithHistory ? maxHistoryBatchInputs : 100);
  const after = request.query.get('after');
  if (after !== null && !/^\d+$/.test(after)) throw validationFailure(`Invalid paging cursor: ${after}`);
  const archived = queryBoolean(request, 'archived');
  const records = [...context.store.recordsOf(type).values()]
    .filter((record) => record.archived === archived && (after === null || compareIds(record.id, after) >= 0))
    .sort((left, right) => compareIds(left.id, right.id));
  const page = records.slice(0, limit);
  const properties = queryList(request, 'properties');
  const associationTargets = queryList(request, 'associations');
  const results = page.map((record) => {
    const body = recordJson(context.store, record, { properties, propertiesWithHistory });
    if (associationTargets) body['associations'] = associationsJson(context, record, associationTargets);
    return body;
  });
  const next = records[limit];
  const response: Record<string, unknown> = { results };
  if (next) response['paging'] = { next: { after: next.id, link: `${request.path}?after=${next.id}` } };
  return json(200, response);
}

/** `POST /crm/v3/objects/contacts/gdpr-delete`: erase the contact and the notes only it was linked to; blocklist the email. */
function gdprDelete(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const body = readJson(request);
  const objectId = body['objectId'];
  if (typeof objectId !== 'string' || objectId === '') throw validationFailure('Invalid input JSON: Cannot build PublicGdprDeleteInput, some of required attributes are not set [objectId]');
  const idProperty = body['idProperty'];
  if (idProperty !== undefined && idProperty !== 'email' && idProperty !== 'hs_object_id') {
    throw validationFailure(`idProperty must be "email" or omitted, got ${JSON.stringify(idProperty)}`);
  }
  const store = context.store;
  const record = store.find('contacts', objectId, idProperty === 'email' ? 'email' : undefined) ?? store.find('contacts', objectId, idProperty === 'email' ? 'email' : undefined, { archived: true });
  if (!record) {
    // By email, an unknown address is still blocklisted (crm-contacts-v3.json description); by id it is a 404.
    if (idProperty === 'email') {
      store.gdprDeletedEmails.add(objectId.trim().toLowerCase());
      return noContent();
    }
    throw notFound(objectId);
  }
  const email = store.value(record, 'email');
  if (email) store.gdprDeletedEmails.add(email);
  for (const association of store.associationsFrom('contacts', record.id, 'notes')) {
    const note = store.recordsOf('notes').get(association.toId);
    if (!note) continue;
    const otherContacts = store.associationsFrom('notes', note.id, 'contacts').filter((link) => link.toId !== record.id);
    if (otherContacts.length === 0) store.purge(note);
  }
  store.purge(record);
  store.writes.contactsPurged += 1;
  return noContent();
}
