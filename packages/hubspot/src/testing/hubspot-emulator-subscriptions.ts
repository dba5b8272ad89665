import type { EmulatorRequest, EmulatorResponse, Router } from '@optintrail/emulator-kit';
import type { HubSpotRouteContext } from './hubspot-emulator-context';
import { standardError, validationFailure, type HubSpotStandardError } from './hubspot-emulator-errors';
import { batchResponse, isObject, json, readInputs, readJson } from './hubspot-emulator-http';
import type { HubSpotSubscriptionStatusVersion } from './hubspot-emulator-store';

/** `legalBasis` enum of `PublicStatusRequest` (communication-preferences-v4.json). */
export const legalBases = [
  'CONSENT_WITH_NOTICE',
  'LEGITIMATE_INTEREST_CLIENT',
  'LEGITIMATE_INTEREST_OTHER',
  'LEGITIMATE_INTEREST_PQL',
  'NON_GDPR',
  'PERFORMANCE_OF_CONTRACT',
  'PROCESS_AND_STORE',
] as const;
export const subscriptionStates = ['NOT_SPECIFIED', 'SUBSCRIBED', 'UNSUBSCRIBED'] as const;
/** [R] The source HubSpot records for statuses set through this API. */
const apiSource = 'PUBLIC_API';

/**
 * Registers the subscriptions v4 endpoints (communication-preferences-v4.json). The SDK 13.5 wraps only v3,
 * so an adapter reaches these with `client.apiRequest`.
 */
export function registerSubscriptionRoutes(router: Router, context: HubSpotRouteContext): void {
  const base = '/communication-preferences/v4';
  router.get(`${base}/definitions`, () => definitions(context));
  router.post(`${base}/statuses/batch/write`, (request) => batchWrite(context, request));
  router.post(`${base}/statuses/batch/read`, (request) => batchRead(context, request));
  router.get(`${base}/statuses/:subscriberIdString`, (request) => getStatuses(context, request));
  router.post(`${base}/statuses/:subscriberIdString`, (request) => writeOne(context, request));
}

function now(): string {
  return new Date().toISOString();
}

/** `channel` is a required query parameter whose only value is EMAIL. */
function requireChannel(request: EmulatorRequest): void {
  const channel = request.query.get('channel');
  if (channel !== 'EMAIL') throw validationFailure(`channel is required and must be EMAIL; got ${channel === null ? 'nothing' : JSON.stringify(channel)}`, { context: { channel: [channel ?? ''] } });
}

function definitions(context: HubSpotRouteContext): EmulatorResponse {
  const startedAt = now();
  return json(200, { status: 'COMPLETE', results: context.store.options.subscriptionDefinitions, startedAt, completedAt: now() });
}

/** `PublicStatus` objects for one subscriber: every active definition, NOT_SPECIFIED where nothing was set. */
function statusesOf(context: HubSpotRouteContext, subscriber: string): Array<Record<string, unknown>> {
  const stored = context.store.subscriptionStatuses.get(subscriber.trim().toLowerCase());
  return context.store.options.subscriptionDefinitions
    .filter((definition) => definition.isActive)
    .map((definition) => {
      const history = stored?.get(Number(definition.id));
      const current = history?.[history.length - 1];
      return publicStatus(subscriber, definition.name, current ?? { subscriptionId: Number(definition.id), status: 'NOT_SPECIFIED', source: apiSource, timestamp: definition.createdAt });
    });
}

function publicStatus(subscriber: string, subscriptionName: string, version: HubSpotSubscriptionStatusVersion, reason?: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    subscriberIdString: subscriber,
    channel: 'EMAIL',
    subscriptionId: version.subscriptionId,
    subscriptionName,
    status: version.status,
    source: version.source,
    timestamp: version.timestamp,
    businessUnitId: 0,
  };
  if (version.legalBasis) body['legalBasis'] = version.legalBasis;
  if (version.legalBasisExplanation) body['legalBasisExplanation'] = version.legalBasisExplanation;
  if (reason) body['setStatusSuccessReason'] = reason;
  return body;
}

function getStatuses(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  requireChannel(request);
  const startedAt = now();
  return json(200, { status: 'COMPLETE', results: statusesOf(context, request.params['subscriberIdString'] ?? ''), startedAt, completedAt: now() });
}

function batchRead(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  requireChannel(request);
  const startedAt = now();
  const inputs = readInputs(readJson(request));
  const results = inputs.map((input) => {
    if (typeof input !== 'string') throw validationFailure('Invalid input JSON: inputs must be email addresses');
    return { subscriberIdString: input, statuses: statusesOf(context, input) };
  });
  return batchResponse(results, [], startedAt, now(), 200);
}

/** Applies one `PublicStatusRequest`; returns the resulting `PublicStatus` or a record-level error. */
function applyStatus(context: HubSpotRouteContext, subscriber: string, input: Record<string, unknown>): Record<string, unknown> | HubSpotStandardError {
  const subscriptionId = Number(input['subscriptionId']);
  const definition = context.store.options.subscriptionDefinitions.find((candidate) => Number(candidate.id) === subscriptionId);
  if (!definition) return standardError('VALIDATION_ERROR', `Subscription ${String(input['subscriptionId'])} does not exist.`, { subscriptionId: [String(input['subscriptionId'])] });
  const status = input['statusState'] as HubSpotSubscriptionStatusVersion['status'];
  const key = subscriber.trim().toLowerCase();
  const bySubscription = context.store.subscriptionStatuses.get(key) ?? new Map<number, HubSpotSubscriptionStatusVersion[]>();
  const history = bySubscription.get(subscriptionId) ?? [];
  const previous = history[history.length - 1];
  const version: HubSpotSubscriptionStatusVersion = { subscriptionId, status, source: apiSource, timestamp: context.store.timestamp() };
  if (typeof input['legalBasis'] === 'string') version.legalBasis = input['legalBasis'];
  if (typeof input['legalBasisExplanation'] === 'string') version.legalBasisExplanation = input['legalBasisExplanation'];
  const unchanged = previous && previous.status === version.status && previous.legalBasis === version.legalBasis && previous.legalBasisExplanation === version.legalBasisExplanation;
  if (unchanged) return publicStatus(subscriber, definition.name, previous, 'NO_STATUS_CHANGE');
  history.push(version);
  bySubscription.set(subscriptionId, history);
  context.store.subscriptionStatuses.set(key, bySubscription);
  context.store.writes.subscriptionStatusesWritten += 1;
  const reason = previous?.status === 'UNSUBSCRIBED' && status === 'SUBSCRIBED' ? 'RESUBSCRIBE_OCCURRED' : 'REQUESTED_CHANGE_OCCURRED';
  return publicStatus(subscriber, definition.name, version, reason);
}

/** Checks the enums of a status request; the whole request fails on a malformed input, as a schema error would. */
function checkStatusRequest(context: HubSpotRouteContext, input: unknown, subscriberRequired: boolean): Record<string, unknown> {
  if (!isObject(input)) throw validationFailure('Invalid input JSON: each input must be an object');
  const missing = ['channel', 'statusState', 'subscriptionId', ...(subscriberRequired ? ['subscriberIdString'] : [])].filter((field) => input[field] === undefined || input[field] === null);
  if (missing.length > 0) throw validationFailure(`Invalid input JSON: Cannot build PublicStatusRequest, some of required attributes are not set [${missing.join(', ')}]`);
  if (input['channel'] !== 'EMAIL') throw validationFailure(`channel must be EMAIL; got ${JSON.stringify(input['channel'])}`);
  if (!(subscriptionStates as readonly unknown[]).includes(input['statusState'])) {
    throw validationFailure(`statusState must be one of ${subscriptionStates.join(', ')}; got ${JSON.stringify(input['statusState'])}`);
  }
  if (input['legalBasis'] !== undefined && !(legalBases as readonly unknown[]).includes(input['legalBasis'])) {
    throw validationFailure(`legalBasis must be one of ${legalBases.join(', ')}; got ${JSON.stringify(input['legalBasis'])}`);
  }
  // [R] Accounts with GDPR features on refuse a subscription without a legal basis.
  if (context.requireLegalBasis && input['statusState'] === 'SUBSCRIBED' && input['legalBasis'] === undefined) {
    throw validationFailure('A legal basis is required to subscribe a contact when GDPR features are on: set legalBasis and legalBasisExplanation.');
  }
  if (subscriberRequired && (typeof input['subscriberIdString'] !== 'string' || input['subscriberIdString'] === '')) {
    throw validationFailure('subscriberIdString must be an email address');
  }
  return input;
}

function batchWrite(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const startedAt = now();
  const inputs = readInputs(readJson(request)).map((input) => checkStatusRequest(context, input, true));
  const results: unknown[] = [];
  const errors: HubSpotStandardError[] = [];
  for (const input of inputs) {
    const result = context.faults.failRecord(request)
      ? standardError('INTERNAL_ERROR', 'This status failed (injected by the emulator fault switch partialFailure); retry it.', { subscriberIdString: [String(input['subscriberIdString'])] })
      : applyStatus(context, input['subscriberIdString'] as string, input);
    if (result['status'] === 'error') errors.push(result as HubSpotStandardError);
    else results.push(result);
  }
  // The v4 spec lists only 200 for batch/write; record-level errors ride along in `errors`.
  const body: Record<string, unknown> = { status: 'COMPLETE', results, startedAt, completedAt: now() };
  if (errors.length > 0) {
    body['errors'] = errors;
    body['numErrors'] = errors.length;
  }
  return json(200, body);
}

function writeOne(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const startedAt = now();
  const input = checkStatusRequest(context, readJson(request), false);
  const result = applyStatus(context, request.params['subscriberIdString'] ?? '', input);
  if (result['status'] === 'error') throw validationFailure(String(result['message']));
  return json(200, { status: 'COMPLETE', results: [result], startedAt, completedAt: now() });
}
