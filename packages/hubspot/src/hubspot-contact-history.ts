import { chunk } from '@optintrail/core';
import type { HubSpotConnection } from './hubspot-client';
import type { HubSpotChangeOrigin } from './hubspot-change-sources';

/** HubSpot refuses more than 50 inputs in a batch read that asks for property history. */
export const HUBSPOT_HISTORY_BATCH_SIZE = 50;

/** One version of a property, oldest-first order is up to the caller. Timestamps as ISO 8601 (UTC). */
export interface HubSpotPropertyVersionRead extends HubSpotChangeOrigin {
  value: string;
  timestamp: string;
}

/** A contact as the change-capture and backfill code reads it. */
export interface HubSpotContactHistory {
  id: string;
  createdAt: string;
  /** Current values (null when empty). */
  properties: Record<string, string | null>;
  /** Versions per property, newest first (as HubSpot returns them). */
  history: Record<string, HubSpotPropertyVersionRead[]>;
}

type SdkContact = {
  id: string;
  createdAt: Date | string;
  properties: Record<string, string | null>;
  propertiesWithHistory?: Record<string, Array<{ value: string; timestamp: Date | string; sourceType: string; sourceId?: string; sourceLabel?: string; updatedByUserId?: number }>>;
};

const iso = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();

export function contactHistoryOf(contact: SdkContact): HubSpotContactHistory {
  const history: Record<string, HubSpotPropertyVersionRead[]> = {};
  for (const [name, versions] of Object.entries(contact.propertiesWithHistory ?? {})) {
    history[name] = versions.map((version) => ({
      value: version.value,
      timestamp: iso(version.timestamp),
      sourceType: version.sourceType,
      ...(version.sourceId !== undefined ? { sourceId: version.sourceId } : {}),
      ...(version.sourceLabel !== undefined ? { sourceLabel: version.sourceLabel } : {}),
      ...(version.updatedByUserId !== undefined ? { updatedByUserId: version.updatedByUserId } : {}),
    }));
  }
  return { id: contact.id, createdAt: iso(contact.createdAt), properties: { ...contact.properties }, history };
}

/** Contacts by record id with the history of `withHistory`, 50 per call (HubSpot's cap for history reads). Unknown ids are left out. */
export async function readContactsWithHistory(connection: HubSpotConnection, ids: readonly string[], properties: readonly string[], withHistory: readonly string[]): Promise<Map<string, HubSpotContactHistory>> {
  const found = new Map<string, HubSpotContactHistory>();
  for (const part of chunk([...new Set(ids)], HUBSPOT_HISTORY_BATCH_SIZE)) {
    const response = (await connection.call('contacts.batch.read', (client) =>
      client.crm.contacts.batchApi.read({
        inputs: part.map((id) => ({ id })),
        properties: [...new Set(['email', ...properties])],
        propertiesWithHistory: [...new Set(withHistory)],
      }),
    )) as unknown as { results: SdkContact[] };
    for (const contact of response.results) found.set(contact.id, contactHistoryOf(contact));
  }
  return found;
}

/** Every contact of the account, a page of up to 50 at a time (pages with history are capped at 50). */
export async function* listContactsWithHistory(connection: HubSpotConnection, properties: readonly string[], withHistory: readonly string[]): AsyncGenerator<HubSpotContactHistory[]> {
  let after: string | undefined;
  do {
    const cursor = after;
    const page = (await connection.call('contacts.list', (client) =>
      client.crm.contacts.basicApi.getPage(HUBSPOT_HISTORY_BATCH_SIZE, cursor, [...new Set(['email', ...properties])], [...new Set(withHistory)]),
    )) as unknown as { results: SdkContact[]; paging?: { next?: { after: string } } };
    yield page.results.map(contactHistoryOf);
    after = page.paging?.next?.after;
  } while (after);
}
