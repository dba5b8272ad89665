import {
  chunk,
  normalizeEmail,
  writeBackfill,
  type BackfillOptions,
  type BackfillReport,
  type BackfillSubject,
  type CapturedChange,
  type Channel,
  type FieldChange,
  type LawfulBasis,
} from '@optintrail/core';
import type { HubSpotAdapter } from './hubspot-adapter';
import { DEFAULT_HUBSPOT_FIELD_NAMES, hubSpotActor, hubSpotSource, sourceKindOf, type HubSpotChangeOrigin } from './hubspot-change-sources';
import { createHubSpotConnection, type HubSpotConnection, type HubSpotConnectionSettings } from './hubspot-client';
import { listContactsWithHistory, type HubSpotContactHistory, type HubSpotPropertyVersionRead } from './hubspot-contact-history';
import { HUBSPOT_CAPTURE_NAMESPACE, hubSpotCreationId, hubSpotVersionId } from './hubspot-webhooks';
import type { HubSpotSubscriptionMapping } from './hubspot-subscriptions';

/** Settings of `backfillHubSpot`. */
export interface HubSpotBackfillSettings extends Pick<BackfillOptions, 'batchSize' | 'dryRun' | 'pushOptions' | 'randomBytes' | 'onProgress'> {
  /** Where the trails go; its client reads the contacts. */
  adapter: HubSpotAdapter;
  /** HubSpot property → neutral field name: whose history becomes data events. Default `DEFAULT_HUBSPOT_FIELD_NAMES`. */
  fieldNames?: Readonly<Record<string, string>>;
  /** Purpose → subscription type: each contact's status becomes a consent event (with HubSpot's legal basis). */
  subscriptions?: Readonly<Record<string, HubSpotSubscriptionMapping>>;
  /** The purpose `hs_email_optout` withdraws when no subscription is mapped. Default `newsletter`. */
  purpose?: string;
  channel?: Channel;
  /** `sourceId`s of OptinTrail's own writes (see the webhook receiver): their versions are not history. */
  ownSourceIds?: readonly (string | number)[];
  rateLimit?: HubSpotConnectionSettings['rateLimit'];
  retry?: HubSpotConnectionSettings['retry'];
}

/**
 * Namespace of backfilled event ids: the webhook receiver's, with the same ids for the same history
 * versions, so a change captured live and backfilled later is one event; a second run writes nothing.
 */
export const HUBSPOT_BACKFILL_NAMESPACE = HUBSPOT_CAPTURE_NAMESPACE;

const LAWFUL_BASIS_BY_LEGAL_BASIS: Record<string, LawfulBasis | undefined> = {
  CONSENT_WITH_NOTICE: 'consent',
  PROCESS_AND_STORE: 'consent',
  PERFORMANCE_OF_CONTRACT: 'contract',
  LEGITIMATE_INTEREST_CLIENT: 'legitimate-interests',
  LEGITIMATE_INTEREST_OTHER: 'legitimate-interests',
  LEGITIMATE_INTEREST_PQL: 'legitimate-interests',
};

interface PublicStatus {
  subscriptionId: number;
  status: 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'NOT_SPECIFIED';
  source?: string;
  timestamp?: string;
  legalBasis?: string;
  legalBasisExplanation?: string;
}

/**
 * Gives every existing HubSpot contact a first trail from what HubSpot already knows: the history of
 * the mapped properties (`propertiesWithHistory`, each version with who made it: a team member, a
 * form, an import, a workflow), `hs_email_optout` history, and the current subscription status of
 * mapped subscription types with its legal basis.
 *
 * Proof is marked honestly: HubSpot keeps no evidence of an opt-in (no IP, no wording), so a
 * subscription status becomes a consent event of kind `import` without proof, and the reminder reads
 * "your details were added to our list on…", not "you subscribed". A contact that already has a trail
 * gets only the history it lacks; a second run writes nothing.
 *
 * ```ts
 * const report = await backfillHubSpot({ adapter, subscriptions: { newsletter: { subscriptionId: 101 } } });
 * ```
 */
export async function backfillHubSpot(settings: HubSpotBackfillSettings): Promise<BackfillReport> {
  const connection = createHubSpotConnection({
    client: settings.adapter.client,
    ...(settings.rateLimit !== undefined ? { rateLimit: settings.rateLimit } : {}),
    ...(settings.retry ? { retry: settings.retry } : {}),
  });
  return writeBackfill(settings.adapter, hubSpotBackfillSubjects(settings, connection), {
    namespace: HUBSPOT_BACKFILL_NAMESPACE,
    ...(settings.batchSize !== undefined ? { batchSize: settings.batchSize } : {}),
    ...(settings.dryRun !== undefined ? { dryRun: settings.dryRun } : {}),
    ...(settings.pushOptions ? { pushOptions: settings.pushOptions } : {}),
    ...(settings.randomBytes ? { randomBytes: settings.randomBytes } : {}),
    ...(settings.onProgress ? { onProgress: settings.onProgress } : {}),
  });
}

/** The contacts as backfill subjects, a page at a time (for a custom writer, or to inspect what backfill would write). */
export async function* hubSpotBackfillSubjects(settings: HubSpotBackfillSettings, connection?: HubSpotConnection): AsyncGenerator<BackfillSubject> {
  const hubspot = connection ?? createHubSpotConnection({ client: settings.adapter.client, ...(settings.rateLimit !== undefined ? { rateLimit: settings.rateLimit } : {}) });
  const fieldNames = settings.fieldNames ?? DEFAULT_HUBSPOT_FIELD_NAMES;
  const headProperty = settings.adapter.properties.find((property) => property.key === 'trailHead')!.name;
  const ownSourceIds = new Set((settings.ownSourceIds ?? []).map(String));
  const subscriptions = Object.entries(settings.subscriptions ?? {});
  const channel = settings.channel ?? 'email';
  const optOutPurposes = subscriptions.length > 0 ? subscriptions.map(([purpose]) => purpose) : [settings.purpose ?? 'newsletter'];
  const isOwn = (version: HubSpotChangeOrigin) => ['INTEGRATION', 'API'].includes((version.sourceType ?? '').toUpperCase()) && ownSourceIds.has(String(version.sourceId));
  const historyProperties = [...Object.keys(fieldNames), 'hs_email_optout'];

  for await (const page of listContactsWithHistory(hubspot, [...historyProperties, headProperty], historyProperties)) {
    const withEmail = page.filter((contact) => contact.properties['email']);
    const statuses = subscriptions.length > 0 ? await readStatuses(hubspot, withEmail.map((contact) => contact.properties['email']!)) : new Map<string, PublicStatus[]>();
    for (const contact of withEmail) {
      const subject = normalizeEmail(contact.properties['email']!);
      const hasTrail = /^[0-9a-f]{64}$/.test((contact.properties[headProperty] ?? '').trim().toLowerCase());
      const changes: CapturedChange[] = [...fieldChanges(contact, subject, fieldNames, isOwn)];
      for (const version of (contact.history['hs_email_optout'] ?? []).filter((item) => item.value === 'true' && !isOwn(item))) {
        const actor = hubSpotActor(version);
        for (const purpose of optOutPurposes) {
          changes.push({
            subject,
            externalId: `${hubSpotVersionId(contact.id, 'hs_email_optout', version.timestamp)}:${purpose}`,
            event: { at: version.timestamp, type: 'consent.withdrawn', purpose, channel, source: hubSpotSource(version), ...(actor ? { actor } : {}), reason: `unsubscribed from all email in HubSpot (${sourceKindOf(version.sourceType)})` },
          });
        }
      }
      for (const [purpose, mapping] of subscriptions) {
        const status = statuses.get(subject)?.find((candidate) => Number(candidate.subscriptionId) === mapping.subscriptionId);
        if (!status || status.status === 'NOT_SPECIFIED' || !status.timestamp) continue;
        // Statuses OptinTrail set itself (through the public API) are already in the trail.
        if (hasTrail && /API/i.test(status.source ?? '')) continue;
        const at = new Date(status.timestamp).toISOString();
        const source = { kind: 'import' as const, name: `HubSpot subscription status${status.source ? ` (${status.source})` : ''}`.slice(0, 200) };
        const lawfulBasis = status.legalBasis ? LAWFUL_BASIS_BY_LEGAL_BASIS[status.legalBasis] : undefined;
        const explanation = status.legalBasisExplanation?.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim().slice(0, 1000);
        changes.push({
          subject,
          externalId: `contact:${contact.id}:subscription:${mapping.subscriptionId}:${at}:${status.status}`,
          event: {
            at,
            type: status.status === 'SUBSCRIBED' ? 'consent.given' : 'consent.withdrawn',
            purpose,
            channel: mapping.channel ?? channel,
            source,
            ...(lawfulBasis ? { lawfulBasis } : {}),
            ...(explanation ? { reason: explanation } : {}),
          },
        });
      }
      yield { subject, hasTrail, changes };
    }
  }
}

/** Data events from property history: one `data.collected` for the values the contact was created with, one event per later version. */
function fieldChanges(contact: HubSpotContactHistory, subject: string, fieldNames: Readonly<Record<string, string>>, isOwn: (version: HubSpotChangeOrigin) => boolean): CapturedChange[] {
  const changes: CapturedChange[] = [];
  const collected: FieldChange[] = [];
  let collectedBy: HubSpotPropertyVersionRead | undefined;
  for (const [property, name] of Object.entries(fieldNames)) {
    const versions = [...(contact.history[property] ?? [])].reverse();
    versions.forEach((version, index) => {
      if (isOwn(version)) return;
      const previous = versions[index - 1];
      const value = version.value === '' ? null : version.value;
      if (index === 0 && version.timestamp === contact.createdAt) {
        if (value !== null) collected.push({ name, value });
        if (!collectedBy || property === 'email') collectedBy = version;
        return;
      }
      const actor = hubSpotActor(version);
      const field: FieldChange = { name, value };
      if (previous) field.previousValue = previous.value === '' ? null : previous.value;
      changes.push({ subject, externalId: hubSpotVersionId(contact.id, property, version.timestamp), event: { at: version.timestamp, type: 'data.updated', source: hubSpotSource(version), fields: [field], ...(actor ? { actor } : {}) } });
    });
  }
  if (collected.length > 0 && collectedBy) {
    const actor = hubSpotActor(collectedBy);
    changes.unshift({ subject, externalId: hubSpotCreationId(contact.id), event: { at: contact.createdAt, type: 'data.collected', source: hubSpotSource(collectedBy), fields: collected, ...(actor ? { actor } : {}) } });
  }
  return changes;
}

/** Current statuses of every subscription type, 100 subscribers per call (communication preferences v4). */
async function readStatuses(connection: HubSpotConnection, emails: string[]): Promise<Map<string, PublicStatus[]>> {
  const found = new Map<string, PublicStatus[]>();
  for (const part of chunk(emails, 100)) {
    const response = await connection.request<{ results?: Array<{ subscriberIdString: string; statuses?: PublicStatus[] }> }>('subscriptions.statuses.batch.read', {
      method: 'POST',
      path: '/communication-preferences/v4/statuses/batch/read?channel=EMAIL',
      body: { inputs: part },
    });
    for (const result of response.results ?? []) found.set(normalizeEmail(result.subscriberIdString), result.statuses ?? []);
  }
  return found;
}
