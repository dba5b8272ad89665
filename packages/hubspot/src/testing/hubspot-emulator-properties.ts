import type { EmulatorRequest, EmulatorResponse, Router } from '@optintrail/emulator-kit';
import type { HubSpotRouteContext } from './hubspot-emulator-context';
import { failure, standardError, validationFailure, type HubSpotEmulatorFailure, type HubSpotStandardError } from './hubspot-emulator-errors';
import { batchResponse, isObject, json, objectTypeParameter, readInputs, readJson } from './hubspot-emulator-http';
import {
  fieldTypes,
  fieldTypesByType,
  propertyTypes,
  type HubSpotObjectType,
  type HubSpotPropertyDefinition,
  type HubSpotPropertyGroup,
  type HubSpotPropertyOption,
} from './hubspot-emulator-schema';

const requiredPropertyFields = ['name', 'label', 'type', 'fieldType', 'groupName'] as const;
// [R] HubSpot's internal names are lower-case snake case; `hs_` is reserved for HubSpot's own properties.
const propertyNamePattern = /^[a-z][a-z0-9_]{0,99}$/;

/** Registers `/crm/v3/properties/{objectType}…` (crm-properties-v3.json). */
export function registerPropertyRoutes(router: Router, context: HubSpotRouteContext): void {
  const base = '/crm/v3/properties/:objectType';
  router.get(`${base}/groups`, (request) => listGroups(context, request));
  router.post(`${base}/groups`, (request) => createGroup(context, request));
  router.get(`${base}/groups/:groupName`, (request) => getGroup(context, request));
  router.post(`${base}/batch/create`, (request) => batchCreateProperties(context, request));
  router.post(`${base}/batch/read`, (request) => batchReadProperties(context, request));
  router.get(base, (request) => listProperties(context, request));
  router.post(base, (request) => createProperty(context, request));
  router.get(`${base}/:propertyName`, (request) => getProperty(context, request));
}

function listProperties(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const archived = request.query.get('archived') === 'true';
  const results = [...context.store.definitionsOf(type).values()].filter((definition) => definition.archived === archived);
  return json(200, { results });
}

function getProperty(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const name = request.params['propertyName'] ?? '';
  const definition = context.store.definitionsOf(type).get(name);
  if (!definition || definition.archived !== (request.query.get('archived') === 'true')) {
    throw failure(404, 'OBJECT_NOT_FOUND', `Property ${name} does not exist`, { context: { name: [name] } });
  }
  return json(200, definition);
}

/** Validates a `PropertyCreate` body; returns the definition to store or the failure to answer. */
function checkPropertyCreate(context: HubSpotRouteContext, type: HubSpotObjectType, input: unknown): HubSpotPropertyDefinition | HubSpotEmulatorFailure {
  if (!isObject(input)) return validationFailure('Invalid input JSON: a property definition must be an object');
  const missing = requiredPropertyFields.filter((field) => typeof input[field] !== 'string' || input[field] === '');
  if (missing.length > 0) {
    return validationFailure(`Invalid input JSON: Cannot build PropertyCreate, some of required attributes are not set [${missing.join(', ')}]`, {
      errors: missing.map((field) => ({ message: `${field} is required`, code: 'REQUIRED_FIELD', in: field })),
    });
  }
  const name = input['name'] as string;
  const dataType = input['type'] as string;
  const fieldType = input['fieldType'] as string;
  const groupName = input['groupName'] as string;
  if (!(propertyTypes as readonly string[]).includes(dataType)) {
    return validationFailure(`Invalid input JSON: type must be one of ${propertyTypes.join(', ')}; got ${JSON.stringify(dataType)}`, { errors: [{ message: 'invalid enum value', code: 'INVALID_ENUM', in: 'type' }] });
  }
  if (!(fieldTypes as readonly string[]).includes(fieldType)) {
    return validationFailure(`Invalid input JSON: fieldType must be one of ${fieldTypes.join(', ')}; got ${JSON.stringify(fieldType)}`, {
      errors: [{ message: 'invalid enum value', code: 'INVALID_ENUM', in: 'fieldType' }],
    });
  }
  if (!fieldTypesByType[dataType]!.includes(fieldType)) {
    return validationFailure(`Field type ${fieldType} is not valid for a property of type ${dataType}; use one of ${fieldTypesByType[dataType]!.join(', ')}`);
  }
  if (!propertyNamePattern.test(name) || name.startsWith('hs_')) {
    return validationFailure(`Property name ${JSON.stringify(name)} is invalid: use lower-case letters, digits and underscores, start with a letter, no "hs_" prefix`);
  }
  if (!context.store.groupsOf(type).get(groupName) || context.store.groupsOf(type).get(groupName)!.archived) {
    return validationFailure(`Property group ${groupName} does not exist`, { context: { groupName: [groupName] } });
  }
  const options = readOptions(input['options']);
  if (options instanceof Error) return options;
  if (dataType === 'enumeration' && options.length === 0 && input['externalOptions'] !== true) {
    return validationFailure(`Enumeration property ${name} needs at least one option`);
  }
  if (dataType === 'bool' && options.length === 0) {
    options.push({ label: 'Yes', value: 'true', hidden: false, displayOrder: 0 }, { label: 'No', value: 'false', hidden: false, displayOrder: 1 });
  }
  const existing = context.store.definitionsOf(type).get(name);
  if (existing && !existing.archived) {
    return failure(409, 'OBJECT_ALREADY_EXISTS', `Property named '${name}' already exists.`, { subCategory: 'Property.ALREADY_EXISTS', context: { name: [name] } });
  }
  const now = context.store.timestamp();
  return {
    name,
    label: input['label'] as string,
    type: dataType,
    fieldType,
    groupName,
    description: typeof input['description'] === 'string' ? input['description'] : '',
    options,
    displayOrder: typeof input['displayOrder'] === 'number' ? input['displayOrder'] : -1,
    hidden: input['hidden'] === true,
    formField: input['formField'] === true,
    hasUniqueValue: input['hasUniqueValue'] === true,
    hubspotDefined: false,
    calculated: false,
    externalOptions: input['externalOptions'] === true,
    archived: false,
    createdAt: now,
    updatedAt: now,
    modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false, readOnlyOptions: false },
  };
}

function readOptions(raw: unknown): HubSpotPropertyOption[] | HubSpotEmulatorFailure {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return validationFailure('Invalid input JSON: options must be an array');
  const options: HubSpotPropertyOption[] = [];
  const values = new Set<string>();
  for (const option of raw) {
    if (!isObject(option) || typeof option['label'] !== 'string' || typeof option['value'] !== 'string') {
      return validationFailure('Invalid input JSON: Cannot build OptionInput, some of required attributes are not set [label, value, hidden]');
    }
    if (values.has(option['value'])) return validationFailure(`Duplicate option value ${option['value']}`);
    values.add(option['value']);
    options.push({
      label: option['label'],
      value: option['value'],
      hidden: option['hidden'] === true,
      displayOrder: typeof option['displayOrder'] === 'number' ? option['displayOrder'] : options.length,
      ...(typeof option['description'] === 'string' ? { description: option['description'] } : {}),
    });
  }
  return options;
}

function storeProperty(context: HubSpotRouteContext, type: HubSpotObjectType, definition: HubSpotPropertyDefinition): void {
  context.store.definitionsOf(type).set(definition.name, definition);
  context.store.writes.propertiesCreated += 1;
}

function createProperty(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const result = checkPropertyCreate(context, type, readJson(request));
  if (result instanceof Error) throw result;
  storeProperty(context, type, result);
  return json(201, result);
}

/**
 * All-or-nothing for malformed definitions (400); a name that already exists fails only that input (207),
 * so a schema setup can be re-run.
 */
function batchCreateProperties(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const startedAt = new Date().toISOString();
  const inputs = readInputs(readJson(request));
  const checked = inputs.map((input) => checkPropertyCreate(context, type, input));
  const invalid = checked.find((result) => result instanceof Error && result.status !== 409);
  if (invalid) throw invalid;
  const names = new Set<string>();
  const results: HubSpotPropertyDefinition[] = [];
  const errors: HubSpotStandardError[] = [];
  for (const result of checked) {
    if (result instanceof Error) {
      const body = result.body;
      errors.push({ ...standardError(String(body['category']), String(body['message']), (body['context'] as Record<string, string[]>) ?? {}), subCategory: String(body['subCategory']) });
      continue;
    }
    if (names.has(result.name)) throw validationFailure(`Duplicate property name ${result.name} in batch input`);
    names.add(result.name);
    results.push(result);
  }
  for (const definition of results) storeProperty(context, type, definition);
  return batchResponse(results, errors, startedAt, new Date().toISOString(), 201);
}

function batchReadProperties(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const startedAt = new Date().toISOString();
  const body = readJson(request);
  const inputs = readInputs(body);
  const archived = body['archived'] === true;
  const results: HubSpotPropertyDefinition[] = [];
  const missing: string[] = [];
  for (const input of inputs) {
    if (!isObject(input) || typeof input['name'] !== 'string') throw validationFailure('Invalid input JSON: each input needs a "name"');
    const definition = context.store.definitionsOf(type).get(input['name']);
    if (definition && definition.archived === archived) results.push(definition);
    else missing.push(input['name']);
  }
  const errors = missing.length > 0 ? [standardError('OBJECT_NOT_FOUND', `Properties not found: ${missing.join(', ')}`, { names: missing })] : [];
  return batchResponse(results, errors, startedAt, new Date().toISOString(), 200);
}

function listGroups(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  return json(200, { results: [...context.store.groupsOf(type).values()].filter((group) => !group.archived) });
}

function getGroup(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const name = request.params['groupName'] ?? '';
  const group = context.store.groupsOf(type).get(name);
  if (!group || group.archived) throw failure(404, 'OBJECT_NOT_FOUND', `Property group ${name} does not exist`, { context: { groupName: [name] } });
  return json(200, group);
}

function createGroup(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const type = objectTypeParameter(request.params['objectType']);
  const body = readJson(request);
  const missing = (['name', 'label'] as const).filter((field) => typeof body[field] !== 'string' || body[field] === '');
  if (missing.length > 0) throw validationFailure(`Invalid input JSON: Cannot build PropertyGroupCreate, some of required attributes are not set [${missing.join(', ')}]`);
  const name = body['name'] as string;
  if (!propertyNamePattern.test(name)) throw validationFailure(`Property group name ${JSON.stringify(name)} is invalid: use lower-case letters, digits and underscores`);
  const existing = context.store.groupsOf(type).get(name);
  if (existing && !existing.archived) {
    throw failure(409, 'OBJECT_ALREADY_EXISTS', `Property group named '${name}' already exists.`, { subCategory: 'PropertyGroup.ALREADY_EXISTS', context: { name: [name] } });
  }
  const group: HubSpotPropertyGroup = { name, label: body['label'] as string, displayOrder: typeof body['displayOrder'] === 'number' ? body['displayOrder'] : -1, archived: false };
  context.store.groupsOf(type).set(name, group);
  context.store.writes.propertyGroupsCreated += 1;
  return json(201, group);
}
