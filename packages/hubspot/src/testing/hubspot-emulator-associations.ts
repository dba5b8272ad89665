import type { EmulatorRequest, EmulatorResponse, Router } from '@optintrail/emulator-kit';
import { objectLabel, type HubSpotRouteContext } from './hubspot-emulator-context';
import { standardError, validationFailure, type HubSpotStandardError } from './hubspot-emulator-errors';
import { batchResponse, isObject, json, objectTypeParameter, readInputs, readJson } from './hubspot-emulator-http';
import type { HubSpotObjectType } from './hubspot-emulator-schema';
import type { StoredAssociation } from './hubspot-emulator-store';

/** v4 pages hold at most 500 associations (crm-associations-v4.json `limit` default). */
const maxAssociationPage = 500;

/** Registers the v4 association reads the SDK exposes (`crm.associations.v4.basicApi.getPage`, `batchApi.getPage`). */
export function registerAssociationRoutes(router: Router, context: HubSpotRouteContext): void {
  router.get('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType', (request) => getPage(context, request));
  router.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/read', (request) => batchRead(context, request));
}

/** `MultiAssociatedObjectWithLabel`: one target with every association type linking to it. */
function groupByTarget(associations: StoredAssociation[]): Array<Record<string, unknown>> {
  const byTarget = new Map<string, StoredAssociation[]>();
  for (const association of associations) {
    const list = byTarget.get(association.toId) ?? [];
    list.push(association);
    byTarget.set(association.toId, list);
  }
  return [...byTarget.entries()].map(([toObjectId, list]) => ({
    toObjectId,
    associationTypes: list.map((association) => ({ category: association.category, typeId: association.typeId, label: association.label })),
  }));
}

function page(associations: StoredAssociation[], after: string | undefined, limit: number): { results: Array<Record<string, unknown>>; next: string | undefined } {
  const grouped = groupByTarget(associations);
  const offset = after === undefined ? 0 : Number(after);
  if (!Number.isInteger(offset) || offset < 0) throw validationFailure(`Invalid paging cursor: ${after}`);
  const results = grouped.slice(offset, offset + limit);
  return { results, next: offset + limit < grouped.length ? String(offset + limit) : undefined };
}

function getPage(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const fromType = objectTypeParameter(request.params['objectType']);
  const toType = objectTypeParameter(request.params['toObjectType']);
  const limit = request.query.has('limit') ? Number(request.query.get('limit')) : maxAssociationPage;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxAssociationPage) throw validationFailure(`limit must be between 1 and ${maxAssociationPage}`);
  const associations = context.store.associationsFrom(fromType, request.params['objectId'] ?? '', toType);
  const { results, next } = page(associations, request.query.get('after') ?? undefined, limit);
  const body: Record<string, unknown> = { results };
  if (next) body['paging'] = { next: { after: next, link: '' } };
  return json(200, body);
}

function batchRead(context: HubSpotRouteContext, request: EmulatorRequest): EmulatorResponse {
  const fromType = objectTypeParameter(request.params['fromObjectType']);
  const toType: HubSpotObjectType = objectTypeParameter(request.params['toObjectType']);
  const startedAt = new Date().toISOString();
  // [R] The cap on inputs for this endpoint is not in the spec file; 1,000 is an assumption.
  const inputs = readInputs(readJson(request), 1000);
  const results: unknown[] = [];
  const errors: HubSpotStandardError[] = [];
  for (const input of inputs) {
    if (!isObject(input) || typeof input['id'] !== 'string') throw validationFailure('Invalid input JSON: each input needs an "id" string');
    const associations = context.store.associationsFrom(fromType, input['id'], toType);
    if (associations.length === 0) {
      // [R] HubSpot reports ids without associations as per-input errors of a 207.
      errors.push({
        ...standardError('OBJECT_NOT_FOUND', `No ${objectLabel(toType).toLowerCase()} is associated with ${objectLabel(fromType).toLowerCase()} ${input['id']}.`, {
          fromObjectId: [input['id']],
        }),
        subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
      });
      continue;
    }
    const { results: to, next } = page(associations, typeof input['after'] === 'string' ? input['after'] : undefined, maxAssociationPage);
    const result: Record<string, unknown> = { from: { id: input['id'] }, to };
    if (next) result['paging'] = { next: { after: next, link: '' } };
    results.push(result);
  }
  return batchResponse(results, errors, startedAt, new Date().toISOString(), 200);
}
