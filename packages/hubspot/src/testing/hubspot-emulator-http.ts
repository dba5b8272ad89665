import type { EmulatorRequest, EmulatorResponse } from '@optintrail/emulator-kit';
import { failure, validationFailure, type HubSpotStandardError } from './hubspot-emulator-errors';
import { resolveObjectType, type HubSpotObjectType } from './hubspot-emulator-schema';

/** HubSpot answers JSON with this content type; the SDK refuses a response without one. */
export const jsonContentType = 'application/json;charset=utf-8';

/** Largest `inputs` array a CRM batch endpoint takes (FACTS.md; error text quoted from the live API in public issues). */
export const maxBatchInputs = 100;
/** Largest batch read when `propertiesWithHistory` is asked for (FACTS.md; activepieces/activepieces#9359). */
export const maxHistoryBatchInputs = 50;

export function json(status: number, body: unknown): EmulatorResponse {
  return { status, json: body, contentType: jsonContentType };
}

/** 204 No Content. HubSpot sends no body; the SDK returns before parsing. */
export function noContent(): EmulatorResponse {
  return { status: 204, contentType: jsonContentType };
}

/** Parses the JSON body or fails the way HubSpot does on bad input. */
export function readJson(request: EmulatorRequest): Record<string, unknown> {
  if (request.text.trim() === '') throw validationFailure('Invalid input JSON: No content to map due to end-of-input');
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.text);
  } catch (error) {
    throw validationFailure(`Invalid input JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw validationFailure('Invalid input JSON: expected an object');
  }
  return parsed as Record<string, unknown>;
}

/** The `inputs` array of a batch body, checked against HubSpot's batch size limit. */
export function readInputs(body: Record<string, unknown>, limit = maxBatchInputs): unknown[] {
  const inputs = body['inputs'];
  if (!Array.isArray(inputs)) throw validationFailure('Invalid input JSON: Cannot build BatchInput, some of required attributes are not set [inputs]');
  if (inputs.length > limit) {
    throw validationFailure(`The maximum number of inputs supported in a batch is ${limit}. Please reduce the number of items and try again`);
  }
  return inputs;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A query parameter that may repeat (`?properties=a&properties=b`, what the SDK sends) or be comma-separated. */
export function queryList(request: EmulatorRequest, name: string): string[] | undefined {
  const values = request.query.getAll(name);
  if (values.length === 0) return undefined;
  return values.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
}

export function queryBoolean(request: EmulatorRequest, name: string): boolean {
  return request.query.get(name) === 'true';
}

/** A string list in a JSON body (e.g. `properties` of a batch read). */
export function bodyList(body: Record<string, unknown>, name: string): string[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw validationFailure(`Invalid input JSON: "${name}" must be an array of strings`);
  }
  return value as string[];
}

export function objectTypeParameter(raw: string | undefined): HubSpotObjectType {
  const objectType = resolveObjectType(raw ?? '');
  if (!objectType) throw failure(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${raw ?? ''}`);
  return objectType;
}

/**
 * A `BatchResponse…` body: 200 (201 for creates) when every input succeeded, 207 with
 * `errors` and `numErrors` (`BatchResponse…WithErrors`) when some did not.
 */
export function batchResponse(results: unknown[], errors: HubSpotStandardError[], startedAt: string, completedAt: string, successStatus: 200 | 201): EmulatorResponse {
  const body: Record<string, unknown> = { status: 'COMPLETE', results, startedAt, completedAt };
  if (errors.length > 0) {
    body['numErrors'] = errors.length;
    body['errors'] = errors;
    return json(207, body);
  }
  return json(successStatus, body);
}
