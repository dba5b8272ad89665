import {
  DailyAllowance,
  Router,
  startEmulatorServer,
  type EmulatorRequest,
  type EmulatorResponse,
  type FaultInjector,
  type FaultSettings,
  type RecordedCall,
} from '@optintrail/emulator-kit';
import { runComposite } from './salesforce-composite';
import { describeGlobalObject, describeObject, versionList } from './salesforce-describe';
import {
  NOT_FOUND_MESSAGE,
  SalesforceRecordFailure,
  SalesforceRequestError,
  notFound,
  recordError,
  type SalesforceRecordError,
} from './salesforce-emulator-errors';
import { createSalesforceEmulatorState, type SalesforceEmulatorState } from './salesforce-emulator-state';
import { checkSoqlLength, requestSizeRefusal } from './salesforce-request-size';
import { buildSalesforceId, looksLikeSalesforceId, normalizeSalesforceId } from './salesforce-ids';
import { DEFAULT_TRACKED_FIELDS, MultipleMatchesError, SalesforceOrg } from './salesforce-org';
import type { SalesforceObjectDefinition } from './salesforce-schema';
import { SoqlError, formatSoqlErrorMessage, parseSoql, type SoqlQuery } from './salesforce-soql';
import { executeSoql, type SoqlDataSource } from './salesforce-soql-evaluator';
import { createCustomField, createCustomObject, toolingObjects, toolingRows } from './salesforce-tooling';
import { sessionUserInfo } from './salesforce-userinfo';

/** Options of `startSalesforceEmulator`. Every one has a default that makes a working org. */
export interface SalesforceEmulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Valid session ids (bearer tokens). Default: any non-empty token is a valid session. */
  accessTokens?: string[];
  /** Latest API version served, default '62.0'. Every version from 20.0 up to it answers the same way. */
  apiVersion?: string;
  /** The org's daily API request allowance, reported as `Sforce-Limit-Info: api-usage=n/m`. Default 100,000. */
  dailyApiRequests?: number;
  /** Data Protection and Privacy switched on: Individual, ContactPointTypeConsent, DataUsePurpose exist. Default true. */
  consentObjects?: boolean;
  /** What the session user may do. `customizeApplication: false` makes Tooling schema changes fail with INSUFFICIENT_ACCESS_OR_READONLY. */
  permissions?: { customizeApplication?: boolean };
  /** Standard fields with history tracking on, per object. Default: Contact and Lead names, Email, phones, opt-outs, owner. */
  trackedFields?: Record<string, string[]>;
  /** The org's clock (CreatedDate, history rows, date literals). Default `() => new Date()`. */
  now?: () => Date;
  faults?: FaultSettings;
}

/** A running emulator. `url` is what jsforce calls the instance URL. */
export interface SalesforceEmulator {
  /** Instance URL, e.g. `http://127.0.0.1:53124` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Every call answered so far, oldest first; the Authorization header is redacted. */
  readonly calls: RecordedCall[];
  /** Fault switches (rate limits, 5xx, dropped connections, per-record failures in collections). */
  readonly faults: FaultInjector;
  /** The org's data read without going through the REST API, plus tamper helpers. */
  readonly state: SalesforceEmulatorState;
  /** Mutable permissions of the session user. */
  readonly permissions: { customizeApplication: boolean };
  /** API requests counted today and the allowance. */
  readonly apiUsage: { readonly used: number; readonly max: number };
  /** Makes a session id answer 401 INVALID_SESSION_ID from now on. */
  expireSession(token: string): void;
  /** Sets the counted API requests (e.g. close to the allowance, to test REQUEST_LIMIT_EXCEEDED). */
  setApiUsage(used: number): void;
  /** Forgets recorded calls. */
  clearCalls(): void;
  /** Back to a fresh org: rows, custom schema, usage, sessions, faults and calls. */
  reset(): void;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json;charset=UTF-8';
const MIN_VERSION = 20;
const DEFAULT_BATCH_SIZE = 2000;

interface QueryCursor {
  records: Array<Record<string, unknown>>;
  totalSize: number;
  batchSize: number;
  /** `query`, `queryAll` or `tooling/query`: where nextRecordsUrl points. */
  resource: string;
}

/** Per-request facts that the router's handlers need but the HTTP request does not carry. */
interface RequestContext {
  forceAllOrNone: boolean;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, json: body, headers, contentType: JSON_TYPE };
}

function errorResponse(error: SalesforceRequestError): EmulatorResponse {
  return json(error.status, error.errors);
}

function parseBody(request: EmulatorRequest): unknown {
  if (!request.text.trim()) return undefined;
  try {
    return JSON.parse(request.text);
  } catch (error) {
    throw SalesforceRequestError.of(400, 'JSON_PARSER_ERROR', `Unexpected character in the JSON body: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function objectBody(request: EmulatorRequest): Record<string, unknown> {
  const body = parseBody(request);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw SalesforceRequestError.of(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
  return body as Record<string, unknown>;
}

function versionOf(request: EmulatorRequest): string {
  return (request.params['version'] ?? 'v62.0').slice(1);
}

function batchSizeOf(request: EmulatorRequest): number {
  const header = request.headers['sforce-query-options'];
  const match = /batchSize\s*=\s*(\d+)/i.exec(Array.isArray(header) ? header.join(',') : (header ?? ''));
  if (!match) return DEFAULT_BATCH_SIZE;
  return Math.min(2000, Math.max(200, Number(match[1])));
}

/** Starts a Salesforce REST emulator on 127.0.0.1 (see the package README for what it covers). */
export async function startSalesforceEmulator(options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  const latestVersion = options.apiVersion ?? '62.0';
  const clock = options.now ?? (() => new Date());
  const org = new SalesforceOrg({
    consentObjects: options.consentObjects ?? true,
    trackedFields: options.trackedFields ?? DEFAULT_TRACKED_FIELDS,
    now: () => clock().getTime(),
  });
  const permissions = { customizeApplication: options.permissions?.customizeApplication ?? true };
  const allowance = new DailyAllowance(options.dailyApiRequests ?? 100_000);
  const validTokens = options.accessTokens ? new Set(options.accessTokens) : null;
  const expiredTokens = new Set<string>();
  const cursors = new Map<string, QueryCursor>();
  const contexts = new WeakMap<EmulatorRequest, RequestContext>();
  const tooling = new Map(toolingObjects().map((object) => [object.name.toLowerCase(), object]));
  let cursorSequence = 0;
  let faults: FaultInjector | undefined;

  const limitHeader = () => ({ 'Sforce-Limit-Info': `api-usage=${allowance.used}/${allowance.max}` });

  // ---- queries -------------------------------------------------------------------------------

  function dataSource(version: string, includeDeleted: boolean): SoqlDataSource {
    return {
      object: (name) => org.object(name),
      rows: (object) => org.liveRows(object, includeDeleted),
      lookup: (object, field, values) => {
        const indexed = field.type === 'id' || field.type === 'reference' || field.externalId || field.unique || field.idLookup;
        if (!indexed) return null;
        const rows = values.flatMap((value) => {
          if (value === null) return [];
          if (field.type === 'id') {
            const row = org.store.get(object.name, String(value));
            return row ? [row] : [];
          }
          return org.store.lookup(object.name, field.name, value, field.type === 'reference' || field.caseSensitive);
        });
        return [...new Set(rows)].filter((row) => includeDeleted || row['IsDeleted'] !== true);
      },
      record: (objectName, id) => org.store.get(objectName, id),
      recordUrlBase: `/services/data/v${version}/sobjects`,
      now: () => org.now(),
    };
  }

  function toolingSource(version: string): SoqlDataSource {
    return {
      object: (name) => tooling.get(name.toLowerCase()),
      rows: (object) => toolingRows(org, object.name),
      lookup: () => null,
      record: () => undefined,
      recordUrlBase: `/services/data/v${version}/tooling/sobjects`,
      now: () => org.now(),
    };
  }

  function runQuery(request: EmulatorRequest, resource: 'query' | 'queryAll' | 'tooling/query'): EmulatorResponse {
    const version = versionOf(request);
    const soql = request.query.get('q');
    if (soql === null) {
      throw SalesforceRequestError.of(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    }
    checkSoqlLength(soql);
    let parsed: SoqlQuery;
    try {
      parsed = parseSoql(soql);
      const source = resource === 'tooling/query' ? toolingSource(version) : dataSource(version, resource === 'queryAll');
      const result = executeSoql(parsed, source);
      if (resource === 'tooling/query' && result.records.length > 1) {
        const heavy = parsed.select.some((item) => item.kind === 'field' && ['fullname', 'metadata'].includes(item.field.path.join('.').toLowerCase()));
        if (heavy) {
          throw new SoqlError('MALFORMED_QUERY', `When retrieving results with Metadata or FullName fields, the query qualifications must specify no more than one row for retrieval. Result size: ${result.records.length}`, 0);
        }
      }
      return json(200, page({ records: result.records, totalSize: result.totalSize, batchSize: batchSizeOf(request), resource }, 0, version));
    } catch (error) {
      if (error instanceof SoqlError) {
        throw SalesforceRequestError.of(400, error.errorCode, formatSoqlErrorMessage(soql, error));
      }
      throw error;
    }
  }

  function page(cursor: QueryCursor, offset: number, version: string): Record<string, unknown> {
    const end = offset + cursor.batchSize;
    const done = end >= cursor.records.length;
    const body: Record<string, unknown> = { totalSize: cursor.totalSize, done, records: cursor.records.slice(offset, end) };
    if (!done) {
      let locatorId = [...cursors.entries()].find(([, value]) => value === cursor)?.[0];
      if (!locatorId) {
        cursorSequence += 1;
        locatorId = buildSalesforceId('01g', cursorSequence);
        cursors.set(locatorId, cursor);
      }
      body['nextRecordsUrl'] = `/services/data/v${version}/${cursor.resource}/${locatorId}-${end}`;
    }
    return body;
  }

  function queryMore(request: EmulatorRequest): EmulatorResponse {
    const locator = request.params['locator'] ?? '';
    const match = /^([0-9A-Za-z]{15,18})-(\d+)$/.exec(locator);
    const cursor = match ? cursors.get(match[1]!) : undefined;
    if (!match || !cursor) throw SalesforceRequestError.of(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    const offset = Number(match[2]);
    const body = page(cursor, offset, versionOf(request));
    if (body['done'] === true) cursors.delete(match[1]!);
    return json(200, body);
  }

  // ---- single records ------------------------------------------------------------------------

  function singleRecordId(object: SalesforceObjectDefinition, raw: string): string {
    if (!looksLikeSalesforceId(raw) || !normalizeSalesforceId(raw)) {
      throw SalesforceRequestError.of(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${raw}`);
    }
    const id = normalizeSalesforceId(raw)!;
    if (id.slice(0, 3) !== object.keyPrefix) throw SalesforceRequestError.of(400, 'MALFORMED_ID', `${object.label} ID: id value of incorrect type: ${raw}`, ['Id']);
    return id;
  }

  function fieldsParameter(request: EmulatorRequest): string[] | undefined {
    const fields = request.query.get('fields');
    return fields ? fields.split(',').filter((name) => name.trim() !== '') : undefined;
  }

  function recordFailure(error: unknown): never {
    if (error instanceof SalesforceRecordFailure) throw error.toRequestError(400);
    throw error;
  }

  // ---- sObject Collections --------------------------------------------------------------------

  type SaveEntry = { id?: string | null; success: boolean; errors: SalesforceRecordError[]; created?: boolean };

  const LOCKED = (id: string | null) => recordError('UNABLE_TO_LOCK_ROW', `unable to obtain exclusive access to this record or 1 records: ${id ?? ''}`.trim());
  const ROLLED_BACK = recordError('ALL_OR_NONE_OPERATION_ROLLED_BACK', 'Record rolled back because not all records were valid and the request was using AllOrNone header');

  /** Runs one write per item inside a transaction; allOrNone rolls back every item on any failure. */
  function saveAll<T>(request: EmulatorRequest, items: T[], allOrNone: boolean, idOf: (item: T) => string | null, write: (item: T) => SaveEntry): SaveEntry[] {
    const results: SaveEntry[] = [];
    org.store.begin();
    try {
      for (const item of items) {
        if (faults?.failRecord(request)) {
          results.push({ id: idOf(item), success: false, errors: [LOCKED(idOf(item))] });
          continue;
        }
        org.store.begin();
        try {
          results.push(write(item));
          org.store.commit();
        } catch (error) {
          org.store.rollback();
          if (error instanceof SalesforceRecordFailure) results.push({ id: idOf(item), success: false, errors: error.errors });
          else if (error instanceof MultipleMatchesError) {
            results.push({ id: null, success: false, errors: [recordError('DUPLICATE_EXTERNAL_ID', error.message, [error.field.name])] });
          } else throw error;
        }
      }
    } catch (error) {
      org.store.rollback();
      throw error;
    }
    const failed = results.some((entry) => !entry.success);
    if (allOrNone && failed) {
      org.store.rollback();
      return results.map((entry) => (entry.success ? { id: entry.id, success: false, errors: [ROLLED_BACK] } : entry));
    }
    org.store.commit();
    return results;
  }

  function shapeEntries(entries: SaveEntry[], withCreated: boolean): Array<Record<string, unknown>> {
    return entries.map((entry) => {
      const shaped: Record<string, unknown> = {};
      if (entry.id) shaped['id'] = entry.id;
      shaped['success'] = entry.success;
      shaped['errors'] = entry.errors;
      if (withCreated && entry.success) shaped['created'] = entry.created ?? false;
      return shaped;
    });
  }

  function collectionRecords(request: EmulatorRequest): { records: Array<Record<string, unknown>>; allOrNone: boolean } {
    const body = objectBody(request);
    if (!Array.isArray(body['records'])) throw SalesforceRequestError.of(400, 'JSON_PARSER_ERROR', 'records: a list of sObjects is required');
    const records = body['records'] as Array<Record<string, unknown>>;
    if (records.length > 200) throw SalesforceRequestError.of(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
    for (const record of records) {
      if (!record || typeof record !== 'object' || Array.isArray(record)) throw SalesforceRequestError.of(400, 'JSON_PARSER_ERROR', 'records: every entry must be an sObject');
    }
    const allOrNone = body['allOrNone'] === true || contexts.get(request)?.forceAllOrNone === true;
    return { records, allOrNone };
  }

  function typeOf(record: Record<string, unknown>): SalesforceObjectDefinition {
    const type = (record['attributes'] as { type?: unknown } | undefined)?.type;
    if (typeof type !== 'string' || !type) throw SalesforceRequestError.of(400, 'INVALID_TYPE', 'Each record needs attributes.type');
    const object = org.object(type);
    if (!object) throw SalesforceRequestError.of(400, 'INVALID_TYPE', `sObject type '${type}' is not supported.`);
    return object;
  }

  function checkChunks(records: Array<Record<string, unknown>>): void {
    let chunks = 0;
    let previous: string | null = null;
    for (const record of records) {
      const type = typeOf(record).name;
      if (type !== previous) chunks += 1;
      previous = type;
    }
    if (chunks > 10) throw SalesforceRequestError.of(400, 'INVALID_BATCH_REQUEST', `A collection can hold at most 10 chunks of consecutive records of one type; this one has ${chunks}`);
  }

  function withoutAttributes(record: Record<string, unknown>): Record<string, unknown> {
    const copy = { ...record };
    delete copy['attributes'];
    return copy;
  }

  // ---- routes --------------------------------------------------------------------------------

  const router = new Router(() => errorResponse(notFound()));
  const base = '/services/data/:version';

  router.get(base, (request) => {
    const root = `/services/data/${request.params['version']}`;
    return json(200, {
      tooling: `${root}/tooling`,
      composite: `${root}/composite`,
      query: `${root}/query`,
      queryAll: `${root}/queryAll`,
      sobjects: `${root}/sobjects`,
      limits: `${root}/limits`,
    });
  });

  router.get(`${base}/limits`, () =>
    json(200, {
      DailyApiRequests: { Max: allowance.max, Remaining: Math.max(0, allowance.max - allowance.used) },
      DailyBulkApiBatches: { Max: 15_000, Remaining: 15_000 },
      DataStorageMB: { Max: 5, Remaining: 5 },
    }),
  );

  router.get(`${base}/sobjects`, (request) => {
    const sobjectsBase = `/services/data/${request.params['version']}/sobjects`;
    return json(200, { encoding: 'UTF-8', maxBatchSize: 200, sobjects: org.objects().map((object) => describeGlobalObject(object, sobjectsBase)) });
  });

  router.get(`${base}/sobjects/:sobject/describe`, (request) => {
    const object = org.requireObject(request.params['sobject']!);
    return json(200, describeObject(object, `/services/data/${request.params['version']}/sobjects`));
  });

  router.get(`${base}/sobjects/:sobject`, (request) => {
    const object = org.requireObject(request.params['sobject']!);
    return json(200, { objectDescribe: describeGlobalObject(object, `/services/data/${request.params['version']}/sobjects`), recentItems: [] });
  });

  router.post(`${base}/sobjects/:sobject`, (request) => {
    const object = org.requireObject(request.params['sobject']!);
    try {
      const id = org.create(object.name, objectBody(request));
      return json(201, { id, success: true, errors: [] }, { Location: `/services/data/${request.params['version']}/sobjects/${object.name}/${id}` });
    } catch (error) {
      return recordFailure(error);
    }
  });

  router.get(`${base}/sobjects/:sobject/:id`, (request) => {
    const object = org.requireObject(request.params['sobject']!);
    const id = singleRecordId(object, request.params['id']!);
    const row = org.live(object.name, id);
    if (!row) throw notFound();
    return json(200, org.project(object, row, versionOf(request), fieldsParameter(request)));
  });

  router.patch(`${base}/sobjects/:sobject/:id`, (request) => {
    const object = org.requireObject(request.params['sobject']!);
    const id = singleRecordId(object, request.params['id']!);
    try {
      org.update(object.name, id, objectBody(request), org.integrationUserId, 'not-found');
    } catch (error) {
      recordFailure(error);
    }
    return { status: 204 };
  });

  router.delete(`${base}/sobjects/:sobject/:id`, (request) => {
    const object = org.requireObject(request.params['sobject']!);
    const id = singleRecordId(object, request.params['id']!);
    try {
      org.delete(object.name, id, org.integrationUserId, 'not-found');
    } catch (error) {
      if (error instanceof SalesforceRecordFailure) throw error.toRequestError(error.errors[0]?.statusCode === 'ENTITY_IS_DELETED' ? 404 : 400);
      throw error;
    }
    return { status: 204 };
  });

  router.get(`${base}/sobjects/:sobject/:field/:value`, (request) => {
    const object = org.requireObject(request.params['sobject']!);
    const field = org.externalIdField(object, request.params['field']!);
    const matches = org.matchExternalId(object, field, request.params['value']!);
    const version = versionOf(request);
    if (matches.length > 1) return json(300, matches.map((row) => `/services/data/v${version}/sobjects/${object.name}/${row.Id}`));
    const row = matches[0];
    if (!row) throw notFound();
    return json(200, org.project(object, row, version, fieldsParameter(request)));
  });

  router.patch(`${base}/sobjects/:sobject/:field/:value`, (request) => {
    const object = org.requireObject(request.params['sobject']!);
    const version = versionOf(request);
    try {
      const outcome = org.upsert(object.name, request.params['field']!, request.params['value']!, objectBody(request));
      const location = { Location: `/services/data/v${version}/sobjects/${object.name}/${outcome.id}` };
      if (outcome.created) return json(201, { id: outcome.id, success: true, errors: [], created: true }, location);
      // Before API 46.0 an upsert that updated answered 204 without a body.
      if (Number(version) < 46) return { status: 204, headers: location };
      return json(200, { id: outcome.id, success: true, errors: [], created: false }, location);
    } catch (error) {
      if (error instanceof MultipleMatchesError) return json(300, error.ids.map((id) => `/services/data/v${version}/sobjects/${object.name}/${id}`));
      return recordFailure(error);
    }
  });

  router.delete(`${base}/sobjects/:sobject/:field/:value`, (request) => {
    const object = org.requireObject(request.params['sobject']!);
    const field = org.externalIdField(object, request.params['field']!);
    const matches = org.matchExternalId(object, field, request.params['value']!);
    const version = versionOf(request);
    if (matches.length > 1) return json(300, matches.map((row) => `/services/data/v${version}/sobjects/${object.name}/${row.Id}`));
    if (!matches[0]) throw notFound();
    org.delete(object.name, matches[0].Id);
    return { status: 204 };
  });

  router.get(`${base}/query`, (request) => runQuery(request, 'query'));
  router.get(`${base}/queryAll`, (request) => runQuery(request, 'queryAll'));
  router.get(`${base}/query/:locator`, queryMore);
  router.get(`${base}/queryAll/:locator`, queryMore);

  router.post(`${base}/composite/sobjects`, (request) => {
    const { records, allOrNone } = collectionRecords(request);
    checkChunks(records);
    for (const record of records) {
      if (record['id'] !== undefined || record['Id'] !== undefined) {
        throw SalesforceRequestError.of(400, 'INVALID_FIELD', 'Records in a create request cannot have an id');
      }
    }
    const entries = saveAll(request, records, allOrNone, () => null, (record) => ({ id: org.create(typeOf(record).name, withoutAttributes(record)), success: true, errors: [] }));
    return json(200, shapeEntries(entries, false));
  });

  router.patch(`${base}/composite/sobjects`, (request) => {
    const { records, allOrNone } = collectionRecords(request);
    checkChunks(records);
    const idOf = (record: Record<string, unknown>) => {
      const id = record['id'] ?? record['Id'];
      return typeof id === 'string' ? id : null;
    };
    const entries = saveAll(request, records, allOrNone, idOf, (record) => {
      const id = idOf(record);
      if (!id) throw new SalesforceRecordFailure([recordError('MISSING_ARGUMENT', 'Id not specified in an update call')]);
      const object = typeOf(record);
      org.update(object.name, id, withoutAttributes(record));
      return { id: normalizeSalesforceId(id) ?? id, success: true, errors: [] };
    });
    return json(200, shapeEntries(entries, false));
  });

  router.patch(`${base}/composite/sobjects/:sobject/:field`, (request) => {
    const object = org.requireObject(request.params['sobject']!);
    const field = org.externalIdField(object, request.params['field']!);
    const { records, allOrNone } = collectionRecords(request);
    for (const record of records) {
      if (typeOf(record).name !== object.name) throw SalesforceRequestError.of(400, 'INVALID_TYPE', `Every record must be of type ${object.name}`);
    }
    const entries = saveAll(request, records, allOrNone, () => null, (record) => {
      const key = Object.keys(record).find((name) => name.toLowerCase() === field.name.toLowerCase());
      const value = key ? record[key] : undefined;
      if (value === undefined || value === null || value === '') {
        throw new SalesforceRecordFailure([recordError('MISSING_ARGUMENT', `${field.name} not specified`, [field.name])]);
      }
      const outcome = org.upsert(object.name, field.name, String(value), withoutAttributes(record));
      return { id: outcome.id, success: true, errors: [], created: outcome.created };
    });
    return json(200, shapeEntries(entries, true));
  });

  router.delete(`${base}/composite/sobjects`, (request) => {
    const ids = (request.query.get('ids') ?? '').split(',').filter((id) => id !== '');
    if (ids.length === 0) throw SalesforceRequestError.of(400, 'MISSING_ARGUMENT', 'ids: at least one record id is required');
    if (ids.length > 200) throw SalesforceRequestError.of(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
    const allOrNone = request.query.get('allOrNone') === 'true' || contexts.get(request)?.forceAllOrNone === true;
    const entries = saveAll(request, ids, allOrNone, (id) => id, (id) => {
      org.delete(null, id);
      return { id: normalizeSalesforceId(id) ?? id, success: true, errors: [] };
    });
    return json(200, shapeEntries(entries, false));
  });

  const retrieveMany = (request: EmulatorRequest, ids: string[], fields: string[]) => {
    const object = org.requireObject(request.params['sobject']!);
    if (fields.length === 0) throw SalesforceRequestError.of(400, 'MISSING_ARGUMENT', 'fields: at least one field name is required');
    if (ids.length === 0) throw SalesforceRequestError.of(400, 'MISSING_ARGUMENT', 'ids: at least one record id is required');
    if (ids.length > 2000) throw SalesforceRequestError.of(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot retrieve more than 2000 records in one call');
    for (const name of fields) org.queryField(object, name);
    const version = versionOf(request);
    return json(
      200,
      ids.map((raw) => {
        const id = normalizeSalesforceId(raw);
        const row = id && id.slice(0, 3) === object.keyPrefix ? org.live(object.name, id) : undefined;
        return row ? org.project(object, row, version, fields) : null;
      }),
    );
  };

  router.get(`${base}/composite/sobjects/:sobject`, (request) =>
    retrieveMany(
      request,
      (request.query.get('ids') ?? '').split(',').filter(Boolean),
      (request.query.get('fields') ?? '').split(',').filter(Boolean),
    ),
  );

  router.post(`${base}/composite/sobjects/:sobject`, (request) => {
    const body = objectBody(request);
    const ids = Array.isArray(body['ids']) ? body['ids'].map(String) : [];
    const fields = Array.isArray(body['fields']) ? body['fields'].map(String) : [];
    return retrieveMany(request, ids, fields);
  });

  router.post(`${base}/composite`, async (request) => {
    const version = versionOf(request);
    return runComposite(parseBody(request), {
      begin: () => org.store.begin(),
      commit: () => org.store.commit(),
      rollback: () => org.store.rollback(),
      dispatch: async ({ method, url, body, forceAllOrNone }) => {
        const subrequest = internalRequest(method, url, body);
        contexts.set(subrequest, { forceAllOrNone });
        const subVersion = /^\/services\/data\/v(\d+\.\d)\//.exec(subrequest.path)?.[1] ?? version;
        if (Number(subVersion) > Number(latestVersion) || Number(subVersion) < MIN_VERSION) return errorResponse(notFound());
        return answer(subrequest);
      },
    });
  });

  router.get(`${base}/tooling/query`, (request) => runQuery(request, 'tooling/query'));
  router.get(`${base}/tooling/query/:locator`, queryMore);
  router.get(`${base}/tooling/sobjects/:sobject/describe`, (request) => {
    const object = tooling.get(request.params['sobject']!.toLowerCase());
    if (!object) throw notFound();
    return json(200, describeObject(object, `/services/data/${request.params['version']}/tooling/sobjects`));
  });
  router.post(`${base}/tooling/sobjects/:sobject`, (request) => {
    const name = request.params['sobject']!.toLowerCase();
    const body = objectBody(request);
    const result = name === 'customfield' ? createCustomField(org, permissions, body) : name === 'customobject' ? createCustomObject(org, permissions, body) : null;
    if (!result) throw notFound();
    return json(201, result, { Location: `/services/data/${request.params['version']}/tooling/sobjects/${request.params['sobject']}/${result.id}` });
  });
  router.get(`${base}/tooling/sobjects/:sobject/:id`, (request) => {
    const object = tooling.get(request.params['sobject']!.toLowerCase());
    if (!object) throw notFound();
    const id = normalizeSalesforceId(request.params['id']!);
    const row = toolingRows(org, object.name).find((candidate) => candidate.Id === id);
    if (!row) throw notFound();
    const projected: Record<string, unknown> = { attributes: { type: object.name, url: `/services/data/${request.params['version']}/tooling/sobjects/${object.name}/${row.Id}` } };
    for (const field of object.fields.values()) projected[field.name] = row[field.name] ?? null;
    return json(200, projected);
  });

  // ---- the HTTP edge: auth, versions, daily allowance ----------------------------------------

  function internalRequest(method: string, url: string, body: unknown): EmulatorRequest {
    const parsed = new URL(url, 'http://127.0.0.1');
    const text = body === null || body === undefined ? '' : JSON.stringify(body);
    return {
      method,
      path: parsed.pathname,
      url: parsed,
      query: parsed.searchParams,
      headers: {},
      rawBody: Buffer.from(text),
      text,
      params: {},
      inFlight: 0,
    };
  }

  /** Runs the route for a request that passed auth and counting, turning thrown errors into Salesforce error bodies. */
  async function answer(request: EmulatorRequest): Promise<EmulatorResponse> {
    try {
      return await router.handle(request);
    } catch (error) {
      if (error instanceof SalesforceRequestError) return errorResponse(error);
      if (error instanceof SalesforceRecordFailure) return errorResponse(error.toRequestError(400));
      if (error instanceof MultipleMatchesError) return errorResponse(SalesforceRequestError.of(300, 'MULTIPLE_CHOICES', error.message));
      throw error;
    }
  }

  function sessionToken(request: EmulatorRequest): string | null {
    const header = request.headers['authorization'];
    const match = /^(?:Bearer|OAuth)\s+(\S.*)$/i.exec(typeof header === 'string' ? header : '');
    return match ? match[1]!.trim() : null;
  }

  async function handle(request: EmulatorRequest): Promise<EmulatorResponse> {
    const refused = requestSizeRefusal(request);
    if (refused) return refused;
    if (request.method === 'GET' && /^\/services\/data\/?$/.test(request.path)) return json(200, versionList(latestVersion));
    const versionMatch = /^\/services\/data\/v(\d+)\.(\d)(\/|$)/.exec(request.path);
    const token = sessionToken(request);
    if (!token || expiredTokens.has(token) || (validTokens && !validTokens.has(token))) {
      return json(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    // OpenID Connect userinfo on the instance: who the session is (not counted against the API allowance).
    if (request.method === 'GET' && request.path === '/services/oauth2/userinfo') return json(200, sessionUserInfo(org, server.url));
    const version = versionMatch ? Number(`${versionMatch[1]}.${versionMatch[2]}`) : Number.NaN;
    if (!versionMatch || version > Number(latestVersion) || version < MIN_VERSION) {
      return json(404, [{ errorCode: 'NOT_FOUND', message: NOT_FOUND_MESSAGE }]);
    }
    if (!allowance.take()) {
      return json(403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], limitHeader());
    }
    const response = await answer(request);
    return { ...response, headers: { ...response.headers, ...limitHeader() } };
  }

  const server = await startEmulatorServer({
    name: 'salesforce',
    handle,
    port: options.port,
    faults: options.faults,
    faultResponse: (kind) =>
      kind === 'rate-limit'
        ? json(403, [{ message: 'ConcurrentPerOrgLongTxn Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], limitHeader())
        : json(500, [{ message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)', errorCode: 'UNKNOWN_EXCEPTION' }], limitHeader()),
  });
  faults = server.faults;

  const state = createSalesforceEmulatorState(org);

  return {
    url: server.url,
    port: server.port,
    calls: server.calls,
    faults: server.faults,
    state,
    permissions,
    apiUsage: {
      get used() {
        return allowance.used;
      },
      get max() {
        return allowance.max;
      },
    },
    expireSession(token: string) {
      expiredTokens.add(token);
    },
    setApiUsage(used: number) {
      allowance.used = used;
    },
    clearCalls() {
      server.clearCalls();
    },
    reset() {
      org.reset();
      allowance.reset();
      expiredTokens.clear();
      cursors.clear();
      permissions.customizeApplication = options.permissions?.customizeApplication ?? true;
      server.faults.reset();
      if (options.faults) server.faults.set(options.faults);
      server.clearCalls();
    },
    close: () => server.close(),
  };
}
