import type { EmulatorRequest, EmulatorResponse } from '@optintrail/emulator-kit';
import { recordJson, type HubSpotRouteContext } from './hubspot-emulator-context';
import { validationFailure } from './hubspot-emulator-errors';
import { bodyList, isObject, json, readJson } from './hubspot-emulator-http';
import { parseDate, type HubSpotObjectType } from './hubspot-emulator-schema';
import { compareIds, type StoredRecord } from './hubspot-emulator-store';

/** Search limits from crm-contacts-v3.json (`PublicObjectSearchRequest`): 200 per page, 6 filter groups, 3,000-character query. */
export const searchLimits = { maxPageSize: 200, maxFilterGroups: 6, maxQueryLength: 3000, maxResults: 10_000 } as const;

const operators = new Set(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN']);
const queryProperties: Record<HubSpotObjectType, string[]> = {
  contacts: ['email', 'firstname', 'lastname', 'phone', 'company', 'website'],
  notes: ['hs_note_body'],
};

interface Filter {
  propertyName: string;
  operator: string;
  value?: string;
  highValue?: string;
  values?: string[];
}

interface Sort {
  propertyName: string;
  descending: boolean;
}

/** `POST /crm/v3/objects/{type}/search`: filter groups are OR-ed, filters inside a group AND-ed. */
export function searchRecords(context: HubSpotRouteContext, request: EmulatorRequest, type: HubSpotObjectType): EmulatorResponse {
  const body = readJson(request);
  const limit = body['limit'] === undefined ? 10 : body['limit'];
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) throw validationFailure('limit must be a non-negative integer');
  if (limit > searchLimits.maxPageSize) throw validationFailure(`limit must be at most ${searchLimits.maxPageSize}; got ${limit}`);
  const after = body['after'] === undefined || body['after'] === null ? 0 : Number(body['after']);
  if (!Number.isInteger(after) || after < 0) throw validationFailure(`Invalid paging cursor: ${String(body['after'])}`);
  // [R] Search stops at 10,000 results in total.
  if (after + limit > searchLimits.maxResults) throw validationFailure(`Search results are limited to ${searchLimits.maxResults}; narrow the filters instead of paging further`);
  const query = body['query'];
  if (query !== undefined && typeof query !== 'string') throw validationFailure('query must be a string');
  if (typeof query === 'string' && query.length > searchLimits.maxQueryLength) throw validationFailure(`query must be at most ${searchLimits.maxQueryLength} characters`);
  const groups = readFilterGroups(body['filterGroups']);
  const sorts = readSorts(body['sorts']);
  const properties = bodyList(body, 'properties');

  const visibleBefore = context.searchLagMs > 0 ? context.store.options.now() - context.searchLagMs : Number.POSITIVE_INFINITY;
  const matches = [...context.store.recordsOf(type).values()]
    .filter((record) => !record.archived && Date.parse(record.createdAt) <= visibleBefore)
    .filter((record) => groups.length === 0 || groups.some((filters) => filters.every((filter) => matchesFilter(context, record, filter))))
    .filter((record) => !query || matchesQuery(context, record, query, type))
    .sort((left, right) => compareRecords(context, left, right, sorts));
  const page = matches.slice(after, after + limit);
  const response: Record<string, unknown> = {
    total: matches.length,
    results: page.map((record) => recordJson(context.store, record, { properties })),
  };
  if (after + limit < matches.length) response['paging'] = { next: { after: String(after + limit), link: '' } };
  return json(200, response);
}

function readFilterGroups(raw: unknown): Filter[][] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw validationFailure('filterGroups must be an array');
  if (raw.length > searchLimits.maxFilterGroups) throw validationFailure(`There are too many filter groups: ${raw.length}; the limit is ${searchLimits.maxFilterGroups}`);
  return raw.map((group) => {
    if (!isObject(group) || !Array.isArray(group['filters'])) throw validationFailure('Each filter group needs a "filters" array');
    return group['filters'].map((filter) => {
      if (!isObject(filter) || typeof filter['propertyName'] !== 'string' || typeof filter['operator'] !== 'string' || !operators.has(filter['operator'])) {
        throw validationFailure(`Invalid filter ${JSON.stringify(filter)}: needs a propertyName and an operator among ${[...operators].join(', ')}`);
      }
      const values = filter['values'];
      return {
        propertyName: filter['propertyName'],
        operator: filter['operator'],
        value: filter['value'] === undefined ? undefined : String(filter['value']),
        highValue: filter['highValue'] === undefined ? undefined : String(filter['highValue']),
        values: Array.isArray(values) ? values.map(String) : undefined,
      };
    });
  });
}

/** Sorts as the SDK types them (property names) or as HubSpot documents them (`{ propertyName, direction }`). */
function readSorts(raw: unknown): Sort[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw validationFailure('sorts must be an array');
  return raw.map((sort) => {
    if (typeof sort === 'string') return sort.startsWith('-') ? { propertyName: sort.slice(1), descending: true } : { propertyName: sort, descending: false };
    if (isObject(sort) && typeof sort['propertyName'] === 'string') return { propertyName: sort['propertyName'], descending: sort['direction'] === 'DESCENDING' };
    throw validationFailure(`Invalid sort ${JSON.stringify(sort)}`);
  });
}

function comparable(context: HubSpotRouteContext, record: StoredRecord, name: string, raw: string): number | string {
  const definition = context.store.definitionsOf(record.objectType).get(name);
  if (definition?.type === 'number') return Number(raw);
  if (definition?.type === 'date' || definition?.type === 'datetime') return parseDate(raw)?.getTime() ?? Number.NaN;
  return raw.toLowerCase();
}

function matchesFilter(context: HubSpotRouteContext, record: StoredRecord, filter: Filter): boolean {
  const stored = context.store.value(record, filter.propertyName);
  const has = stored !== undefined && stored !== '';
  const value = has ? comparable(context, record, filter.propertyName, stored) : undefined;
  const against = (raw: string | undefined) => (raw === undefined ? undefined : comparable(context, record, filter.propertyName, raw));
  const storedValues = has ? stored.split(';').map((item) => item.toLowerCase()) : [];
  switch (filter.operator) {
    case 'EQ':
      return has && (value === against(filter.value) || storedValues.includes((filter.value ?? '').toLowerCase()));
    case 'NEQ':
      return !(has && (value === against(filter.value) || storedValues.includes((filter.value ?? '').toLowerCase())));
    case 'LT':
      return has && value! < against(filter.value)!;
    case 'LTE':
      return has && value! <= against(filter.value)!;
    case 'GT':
      return has && value! > against(filter.value)!;
    case 'GTE':
      return has && value! >= against(filter.value)!;
    case 'BETWEEN':
      return has && value! >= against(filter.value)! && value! <= against(filter.highValue)!;
    case 'IN':
      return has && (filter.values ?? []).some((candidate) => storedValues.includes(candidate.toLowerCase()) || against(candidate) === value);
    case 'NOT_IN':
      return !(has && (filter.values ?? []).some((candidate) => storedValues.includes(candidate.toLowerCase()) || against(candidate) === value));
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
    case 'CONTAINS_TOKEN':
      return has && containsToken(stored, filter.value ?? '');
    case 'NOT_CONTAINS_TOKEN':
      return !(has && containsToken(stored, filter.value ?? ''));
    default:
      return false;
  }
}

function containsToken(stored: string, token: string): boolean {
  const pattern = new RegExp(`^${token.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return stored
    .toLowerCase()
    .split(/[^\p{L}\p{N}@._*-]+/u)
    .some((word) => pattern.test(word));
}

function matchesQuery(context: HubSpotRouteContext, record: StoredRecord, query: string, type: HubSpotObjectType): boolean {
  const needle = query.toLowerCase();
  return queryProperties[type].some((name) => (context.store.value(record, name) ?? '').toLowerCase().includes(needle));
}

function compareRecords(context: HubSpotRouteContext, left: StoredRecord, right: StoredRecord, sorts: Sort[]): number {
  for (const sort of sorts) {
    const leftValue = context.store.value(left, sort.propertyName);
    const rightValue = context.store.value(right, sort.propertyName);
    if (leftValue === rightValue) continue;
    // Records without a value sort last, whatever the direction.
    if (leftValue === undefined || leftValue === '') return 1;
    if (rightValue === undefined || rightValue === '') return -1;
    const a = comparable(context, left, sort.propertyName, leftValue);
    const b = comparable(context, right, sort.propertyName, rightValue);
    const order = a < b ? -1 : a > b ? 1 : 0;
    if (order !== 0) return sort.descending ? -order : order;
  }
  return compareIds(left.id, right.id);
}
