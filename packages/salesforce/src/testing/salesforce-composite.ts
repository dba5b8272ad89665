import type { EmulatorResponse } from '@optintrail/emulator-kit';
import { SalesforceRequestError } from './salesforce-emulator-errors';

/** One entry of `compositeRequest`. */
export interface CompositeSubrequest {
  method: string;
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

/** What Composite needs from the emulator: run one subrequest (already authorised and counted) and the store's transaction. */
export interface CompositeHost {
  dispatch(subrequest: { method: string; url: string; body: unknown; forceAllOrNone: boolean }): Promise<EmulatorResponse>;
  begin(): void;
  commit(): void;
  rollback(): void;
}

export const MAX_COMPOSITE_SUBREQUESTS = 25;
export const MAX_COMPOSITE_COLLECTIONS_OR_QUERIES = 5;

const ROLLED_BACK = { errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back since another operation in the same transaction failed.' };

function isCollectionOrQuery(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return /\/composite\/sobjects(\/|$)/.test(path) || /\/(query|queryAll)(\/|$)/.test(path);
}

/** Follows `id`, `records[0].Id`, `[0].id` into a subrequest's response body. */
function readPath(body: unknown, path: string): unknown {
  let current: unknown = body;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

class CompositeReferenceError extends Error {
  constructor(readonly referenceId: string, readonly expression: string) {
    super(`Invalid reference specified. No value for ${expression} found in ${referenceId}. Provided referenceId ('${referenceId}') should be valid.`);
  }
}

/** Replaces `@{ref.path}` in a URL or body with values from earlier subrequests. */
function resolveReferences<T>(value: T, results: Map<string, { status: number; body: unknown }>, inUrl: boolean): T {
  const replace = (text: string): unknown => {
    const whole = /^@\{([A-Za-z0-9_]+)((?:\.[^}]+|\[[^}]+)?)\}$/.exec(text);
    const lookUp = (referenceId: string, path: string) => {
      const result = results.get(referenceId);
      const expression = `${referenceId}${path}`;
      if (!result || result.status >= 400) throw new CompositeReferenceError(referenceId, expression);
      const found = readPath(result.body, path.replace(/^\./, ''));
      if (found === undefined) throw new CompositeReferenceError(referenceId, expression);
      return found;
    };
    if (whole && !inUrl) return lookUp(whole[1]!, whole[2] ?? '');
    return text.replace(/@\{([A-Za-z0-9_]+)((?:\.[^}]+|\[[^}]+)?)\}/g, (_match, referenceId: string, path: string) => {
      const found = lookUp(referenceId, path ?? '');
      return inUrl ? encodeURIComponent(String(found)) : String(found);
    });
  };
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return node.includes('@{') ? replace(node) : node;
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
    return node;
  };
  return walk(value) as T;
}

/**
 * `POST /composite`: up to 25 subrequests run in order, later ones reading earlier results through
 * `@{referenceId.path}`; the whole call counts once against the daily allowance. With `allOrNone`
 * the first failure rolls everything back and every other subrequest answers PROCESSING_HALTED.
 */
export async function runComposite(body: unknown, host: CompositeHost): Promise<EmulatorResponse> {
  const request = (body ?? {}) as { allOrNone?: unknown; compositeRequest?: unknown };
  if (!Array.isArray(request.compositeRequest) || request.compositeRequest.length === 0) {
    throw SalesforceRequestError.of(400, 'JSON_PARSER_ERROR', 'compositeRequest: a non-empty list of subrequests is required');
  }
  const subrequests = request.compositeRequest as CompositeSubrequest[];
  if (subrequests.length > MAX_COMPOSITE_SUBREQUESTS) {
    throw SalesforceRequestError.of(400, 'LIMIT_EXCEEDED', `A composite request can contain up to ${MAX_COMPOSITE_SUBREQUESTS} subrequests; this one has ${subrequests.length}`);
  }
  const heavy = subrequests.filter((subrequest) => typeof subrequest?.url === 'string' && isCollectionOrQuery(subrequest.url)).length;
  if (heavy > MAX_COMPOSITE_COLLECTIONS_OR_QUERIES) {
    throw SalesforceRequestError.of(400, 'LIMIT_EXCEEDED', `A composite request can contain up to ${MAX_COMPOSITE_COLLECTIONS_OR_QUERIES} sObject Collections or query subrequests; this one has ${heavy}`);
  }
  const seen = new Set<string>();
  for (const subrequest of subrequests) {
    if (!subrequest || typeof subrequest.method !== 'string' || typeof subrequest.url !== 'string' || typeof subrequest.referenceId !== 'string') {
      throw SalesforceRequestError.of(400, 'JSON_PARSER_ERROR', 'Each subrequest needs method, url and referenceId');
    }
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(subrequest.referenceId)) {
      throw SalesforceRequestError.of(400, 'INVALID_INPUT', `Invalid referenceId: ${subrequest.referenceId}. It must start with a letter and hold only letters, digits and underscores.`);
    }
    if (seen.has(subrequest.referenceId)) throw SalesforceRequestError.of(400, 'INVALID_INPUT', `Duplicate referenceId provided in the request: ${subrequest.referenceId}`);
    seen.add(subrequest.referenceId);
    if (!/^\/services\/data\/v\d+\.\d\//.test(subrequest.url)) {
      throw SalesforceRequestError.of(400, 'INVALID_INPUT', `The url of subrequest ${subrequest.referenceId} must start with /services/data/vXX.X/`);
    }
    if (/^\/services\/data\/v\d+\.\d\/composite\/?(\?|$)|\/composite\/(batch|tree|graph)/.test(subrequest.url)) {
      throw SalesforceRequestError.of(400, 'INVALID_INPUT', `Subrequest ${subrequest.referenceId}: composite, batch, tree and graph requests cannot be nested in a composite request`);
    }
  }

  const allOrNone = request.allOrNone === true;
  const results = new Map<string, { status: number; body: unknown }>();
  const responses: Array<{ body: unknown; httpHeaders: Record<string, string>; httpStatusCode: number; referenceId: string }> = [];
  let failed = false;
  if (allOrNone) host.begin();
  for (const subrequest of subrequests) {
    if (failed && allOrNone) {
      responses.push({ body: [ROLLED_BACK], httpHeaders: {}, httpStatusCode: 400, referenceId: subrequest.referenceId });
      continue;
    }
    let response: EmulatorResponse;
    try {
      const url = resolveReferences(subrequest.url, results, true);
      const body = resolveReferences(subrequest.body ?? null, results, false);
      response = await host.dispatch({ method: subrequest.method.toUpperCase(), url, body, forceAllOrNone: allOrNone });
    } catch (error) {
      if (!(error instanceof CompositeReferenceError)) throw error;
      response = { status: 400, json: [{ errorCode: 'PROCESSING_HALTED', message: error.message }] };
    }
    const headers = { ...(response.headers ?? {}) };
    delete headers['Sforce-Limit-Info'];
    results.set(subrequest.referenceId, { status: response.status, body: response.json });
    responses.push({ body: response.json ?? null, httpHeaders: headers, httpStatusCode: response.status, referenceId: subrequest.referenceId });
    // A collections answer of 200 can still hold failed records; with allOrNone they count as a failure.
    const recordFailed = Array.isArray(response.json) && response.json.some((entry) => entry && typeof entry === 'object' && (entry as { success?: unknown }).success === false);
    if (response.status >= 400 || (allOrNone && recordFailed)) failed = true;
  }
  if (allOrNone) {
    if (failed) {
      host.rollback();
      for (const entry of responses) {
        if (entry.httpStatusCode < 400 && !(Array.isArray(entry.body) && entry.body.some((item) => (item as { success?: unknown })?.success === false))) {
          entry.body = [ROLLED_BACK];
          entry.httpStatusCode = 400;
          entry.httpHeaders = {};
        }
      }
    } else host.commit();
  }
  return { status: 200, json: { compositeResponse: responses } };
}
