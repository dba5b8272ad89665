import type { FaultInjector } from '@optintrail/emulator-kit';
import { validationFailure } from './hubspot-emulator-errors';
import { defaultReadProperties, systemProperties, type HubSpotObjectType, type PropertyValueProblem } from './hubspot-emulator-schema';
import type { HubSpotStore, HubSpotWriteSource, StoredRecord } from './hubspot-emulator-store';

/** What every route module needs: the store, the fault switches and a few account settings. */
export interface HubSpotRouteContext {
  readonly store: HubSpotStore;
  readonly faults: FaultInjector;
  /** How API writes are signed in property history (`sourceType: INTEGRATION`, the app's id). */
  readonly integrationSource: HubSpotWriteSource;
  readonly portalId: number;
  /** Records younger than this are not yet visible to search (HubSpot's search index lags behind writes). */
  readonly searchLagMs: number;
  /** Require `legalBasis` when subscribing someone (accounts with GDPR features on). */
  readonly requireLegalBasis: boolean;
}

/** Which properties to put in a serialized record. */
export interface RecordProjection {
  /** Properties asked for; when empty or absent the type's default projection is used. */
  properties?: string[] | undefined;
  propertiesWithHistory?: string[] | undefined;
  /** Properties the request just wrote; always included (as HubSpot echoes written values). */
  written?: string[];
}

/** A record as the `SimplePublicObject` schema describes it. */
export function recordJson(store: HubSpotStore, record: StoredRecord, projection: RecordProjection = {}): Record<string, unknown> {
  const type = record.objectType;
  const definitions = store.definitionsOf(type);
  const asked = projection.properties && projection.properties.length > 0 ? projection.properties : defaultReadProperties[type];
  const names = new Set([...asked, ...(projection.written ?? []), ...Object.values(systemProperties[type])]);
  const properties: Record<string, string | null> = {};
  for (const name of names) {
    // Unknown names are ignored, as the spec says for `properties` on reads.
    if (!definitions.has(name)) continue;
    const value = store.value(record, name);
    properties[name] = value === undefined || value === '' ? null : value;
  }
  const body: Record<string, unknown> = { id: record.id, properties, createdAt: record.createdAt, updatedAt: record.updatedAt, archived: record.archived };
  if (record.archivedAt) body['archivedAt'] = record.archivedAt;
  if (projection.propertiesWithHistory && projection.propertiesWithHistory.length > 0) {
    const withHistory: Record<string, unknown[]> = {};
    for (const name of projection.propertiesWithHistory) {
      if (!definitions.has(name)) continue;
      const history = store.history(record, name);
      if (history.length > 0) withHistory[name] = history;
    }
    body['propertiesWithHistory'] = withHistory;
  }
  return body;
}

/**
 * 400 for invalid property values, in the form HubSpot uses: the problems serialized into `message`
 * ("Property values were not valid: [...]") and, for easier reading, one `errors[]` entry each.
 */
export function propertyProblemsFailure(problems: PropertyValueProblem[], portalId: number) {
  const listed = problems.map((problem) => ({ ...problem, portalId }));
  return validationFailure(`Property values were not valid: ${JSON.stringify(listed)}`, {
    errors: problems.map((problem) => ({ message: problem.message, code: problem.error, context: { propertyName: [problem.name] } })),
  });
}

export function objectLabel(type: HubSpotObjectType): string {
  return type === 'contacts' ? 'CONTACT' : 'NOTE';
}
