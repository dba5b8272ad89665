import {
  createWebhookHandler,
  normalizeEmail,
  WebhookPayloadError,
  type CapturedChange,
  type CaptureNotice,
  type Channel,
  type FieldChange,
  type ParsedNotification,
  type WebhookHandler,
  type WebhookHandlerSettings,
  type WebhookParser,
} from '@optintrail/core';
import type { HubSpotAdapter } from './hubspot-adapter';
import { createHubSpotConnection, type HubSpotConnectionSettings } from './hubspot-client';
import { DEFAULT_HUBSPOT_FIELD_NAMES, fieldNameOf, hubSpotActor, hubSpotSource, optOutSubscriptionOf, sourceKindOf, type HubSpotChangeOrigin } from './hubspot-change-sources';
import { readContactsWithHistory, type HubSpotContactHistory, type HubSpotPropertyVersionRead } from './hubspot-contact-history';
import type { HubSpotSubscriptionMapping } from './hubspot-subscriptions';
import { createHubSpotWebhookVerifier, type HubSpotWebhookVerifierSettings } from './hubspot-webhook-signature';

/**
 * One event of a HubSpot webhook delivery (a JSON array of up to 100 of them). Fields as HubSpot
 * documents them for the legacy `contact.*` subscription types; `propertyName`/`propertyValue` only
 * for `contact.propertyChange`.
 */
export interface HubSpotWebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  /** Milliseconds since the epoch. */
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  propertyName?: string;
  propertyValue?: string;
  /** Who made the change, e.g. `CRM_UI`, `INTEGRATION`, `AUTOMATION_PLATFORM`. */
  changeSource?: string;
  /** e.g. `userId:1001`, or the app id for an integration's write. */
  sourceId?: string;
  changeFlag?: string;
}

/** Settings of the HubSpot webhook receiver. */
export interface HubSpotWebhookSettings extends Pick<HubSpotWebhookVerifierSettings, 'maxAgeMs' | 'publicUrl'> {
  /** The adapter the trails live in; its SDK client reads the contacts the events name. */
  adapter: HubSpotAdapter;
  /** The app's client secret: deliveries are signed with it (X-HubSpot-Signature-v3). */
  clientSecret: string;
  /**
   * `sourceId`s of OptinTrail's own writes: changes HubSpot reports with one of them (and an
   * `INTEGRATION`/`API` source) are echoes and ignored. For a private app, its app id. Changes to the
   * adapter's own summary properties are ignored whoever made them.
   */
  ownSourceIds?: readonly (string | number)[];
  /** Accept events of this account only (events of other portals are ignored). */
  portalId?: number;
  /** HubSpot property → neutral field name. Default `DEFAULT_HUBSPOT_FIELD_NAMES`; other properties keep their name. */
  fieldNames?: Readonly<Record<string, string>>;
  /** Purpose → subscription type, as in the adapter: an opt-out of that type withdraws that purpose. */
  subscriptions?: Readonly<Record<string, HubSpotSubscriptionMapping>>;
  /** The purpose `hs_email_optout` (unsubscribed from all email) withdraws when no subscription is mapped. Default `newsletter`. */
  purpose?: string;
  /** Its channel. Default `email`. */
  channel?: Channel;
  /** Pacing and retries of the contact reads (a limiter shared with the adapter keeps one budget). Default: HubSpot Professional's. */
  rateLimit?: HubSpotConnectionSettings['rateLimit'];
  retry?: HubSpotConnectionSettings['retry'];
}

/** Settings of `createHubSpotWebhookHandler`: the parser's plus the generic handler's hooks. */
export type HubSpotWebhookHandlerSettings = HubSpotWebhookSettings & Pick<WebhookHandlerSettings, 'onNotice' | 'onReport' | 'locks' | 'now' | 'randomBytes' | 'pushOptions' | 'maxBodyBytes'>;

/** Namespace of the event ids captured from HubSpot; the portal id is part of each CRM id. */
export const HUBSPOT_CAPTURE_NAMESPACE = 'hubspot';

const SUPPORTED = new Set(['contact.propertyChange', 'contact.creation', 'contact.privacyDeletion']);
const ECHO_SOURCE_TYPES = new Set(['INTEGRATION', 'API', 'PUBLIC_API']);

/**
 * A receiver for HubSpot webhooks (`contact.propertyChange`, `contact.creation`,
 * `contact.privacyDeletion`): verifies the v3 signature, reads the contacts the events name (with
 * the property history that says who made each change), and writes the changes to their trails.
 *
 * ```ts
 * const handler = createHubSpotWebhookHandler({ adapter, clientSecret: process.env.HUBSPOT_CLIENT_SECRET!, ownSourceIds: [appId] });
 * http.createServer(toNodeListener(handler, { origin: 'https://hooks.example.com' })).listen(3000);
 * ```
 */
export function createHubSpotWebhookHandler(settings: HubSpotWebhookHandlerSettings): WebhookHandler {
  return createWebhookHandler({
    adapter: settings.adapter,
    verify: createHubSpotWebhookVerifier({
      clientSecret: settings.clientSecret,
      ...(settings.maxAgeMs !== undefined ? { maxAgeMs: settings.maxAgeMs } : {}),
      ...(settings.publicUrl ? { publicUrl: settings.publicUrl } : {}),
    }),
    parse: createHubSpotWebhookParser(settings),
    namespace: HUBSPOT_CAPTURE_NAMESPACE,
    ...(settings.onNotice ? { onNotice: settings.onNotice } : {}),
    ...(settings.onReport ? { onReport: settings.onReport } : {}),
    ...(settings.locks ? { locks: settings.locks } : {}),
    ...(settings.now ? { now: settings.now } : {}),
    ...(settings.randomBytes ? { randomBytes: settings.randomBytes } : {}),
    ...(settings.pushOptions ? { pushOptions: settings.pushOptions } : {}),
    ...(settings.maxBodyBytes !== undefined ? { maxBodyBytes: settings.maxBodyBytes } : {}),
  });
}

/** Reads a HubSpot delivery body: a JSON array of events. Throws `WebhookPayloadError` for anything else. */
export function readHubSpotWebhookEvents(text: string): HubSpotWebhookEvent[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new WebhookPayloadError('a HubSpot delivery is a JSON array of events; the body is not JSON');
  }
  if (!Array.isArray(body)) throw new WebhookPayloadError('a HubSpot delivery is a JSON array of events');
  return body.map((item, index) => {
    const event = item as Record<string, unknown>;
    const integer = (name: string) => typeof event?.[name] === 'number' && Number.isSafeInteger(event[name]);
    if (typeof item !== 'object' || item === null || typeof event['subscriptionType'] !== 'string' || !integer('eventId') || !integer('objectId') || !integer('occurredAt') || !integer('portalId')) {
      throw new WebhookPayloadError(`event ${index} lacks subscriptionType, eventId, objectId, occurredAt or portalId`);
    }
    for (const name of ['propertyName', 'propertyValue', 'changeSource', 'sourceId'] as const) {
      if (event[name] !== undefined && event[name] !== null && typeof event[name] !== 'string') throw new WebhookPayloadError(`event ${index}: ${name} must be a string`);
    }
    return item as HubSpotWebhookEvent;
  });
}

/** The parser alone, for a custom handler or for tests. */
export function createHubSpotWebhookParser(settings: HubSpotWebhookSettings): WebhookParser {
  const fieldNames = settings.fieldNames ?? DEFAULT_HUBSPOT_FIELD_NAMES;
  const ownSourceIds = new Set((settings.ownSourceIds ?? []).map(String));
  const ownProperties = new Set(settings.adapter.properties.map((property) => property.name));
  const defaultPurpose = settings.purpose ?? 'newsletter';
  const channel = settings.channel ?? 'email';
  const subscriptions = Object.entries(settings.subscriptions ?? {});
  const connection = createHubSpotConnection({
    client: settings.adapter.client,
    ...(settings.rateLimit !== undefined ? { rateLimit: settings.rateLimit } : {}),
    ...(settings.retry ? { retry: settings.retry } : {}),
  });

  const isEcho = (origin: HubSpotChangeOrigin) => ECHO_SOURCE_TYPES.has((origin.sourceType ?? '').toUpperCase()) && origin.sourceId !== undefined && origin.sourceId !== null && ownSourceIds.has(String(origin.sourceId));
  const purposesOf = (optOut: 'all' | number): string[] => {
    if (optOut === 'all') return subscriptions.length > 0 ? subscriptions.map(([purpose]) => purpose) : [defaultPurpose];
    return subscriptions.filter(([, mapping]) => mapping.subscriptionId === optOut).map(([purpose]) => purpose);
  };

  return async (delivery): Promise<ParsedNotification> => {
    const events = readHubSpotWebhookEvents(delivery.text);
    const changes: CapturedChange[] = [];
    const notices: CaptureNotice[] = [];
    const wanted: HubSpotWebhookEvent[] = [];
    for (const event of events) {
      const externalId = externalIdOf(event);
      const origin = { sourceType: event.changeSource, sourceId: event.sourceId };
      if (settings.portalId !== undefined && event.portalId !== settings.portalId) notices.push({ kind: 'ignored', externalId, reason: `event of portal ${event.portalId}, not ${settings.portalId}` });
      else if (!SUPPORTED.has(event.subscriptionType)) notices.push({ kind: 'ignored', externalId, reason: `${event.subscriptionType} carries no provenance` });
      else if (event.subscriptionType === 'contact.privacyDeletion') notices.push({ kind: 'erased', externalId, crmRecordId: String(event.objectId), at: new Date(event.occurredAt).toISOString() });
      else if (event.subscriptionType === 'contact.propertyChange' && (!event.propertyName || ownProperties.has(event.propertyName))) notices.push({ kind: 'ignored', externalId, reason: 'a change to an OptinTrail summary property' });
      else if (isEcho(origin)) notices.push({ kind: 'ignored', externalId, reason: "an echo of OptinTrail's own write" });
      else if (event.subscriptionType === 'contact.propertyChange' && /^hs_/.test(event.propertyName!) && optOutSubscriptionOf(event.propertyName!) === undefined) notices.push({ kind: 'ignored', externalId, reason: `${event.propertyName} is a HubSpot system property` });
      else wanted.push(event);
    }
    if (wanted.length === 0) return { changes, notices };

    const historyNames = new Set<string>(['email']);
    for (const event of wanted) if (event.propertyName) historyNames.add(event.propertyName);
    const creations = wanted.some((event) => event.subscriptionType === 'contact.creation');
    if (creations) for (const property of Object.keys(fieldNames)) historyNames.add(property);
    const contacts = await readContactsWithHistory(connection, wanted.map((event) => String(event.objectId)), [...historyNames], [...historyNames]);

    for (const event of wanted) {
      const externalId = externalIdOf(event);
      const contact = contacts.get(String(event.objectId));
      const email = contact?.properties['email'];
      if (!contact || !email) {
        notices.push({ kind: 'ignored', externalId, reason: contact ? 'the contact has no email address' : 'the contact no longer exists' });
        continue;
      }
      const subject = normalizeEmail(email);
      const at = new Date(event.occurredAt).toISOString();
      if (event.subscriptionType === 'contact.creation') {
        const fields = creationFields(contact, fieldNames);
        const origin = { sourceType: event.changeSource, sourceId: event.sourceId };
        const actor = hubSpotActor(origin);
        // Named as the backfill names it, so a contact captured live and backfilled later holds it once.
        changes.push({ subject, externalId: hubSpotCreationId(contact.id), event: { at, type: 'data.collected', source: hubSpotSource(origin), fields, ...(actor ? { actor } : {}) } });
        continue;
      }
      const property = event.propertyName!;
      const { version, previous } = matchVersion(contact.history[property] ?? [], event);
      // The history version names the change the same way for webhooks and backfill.
      const changeId = version ? hubSpotVersionId(contact.id, property, version.timestamp) : externalId;
      const origin: HubSpotChangeOrigin = version ?? { sourceType: event.changeSource, sourceId: event.sourceId };
      if (isEcho(origin)) {
        notices.push({ kind: 'ignored', externalId, reason: "an echo of OptinTrail's own write" });
        continue;
      }
      // Values set when the contact was created arrive with contact.creation.
      if (version && version.timestamp === contact.createdAt) {
        notices.push({ kind: 'ignored', externalId, reason: 'set when the contact was created' });
        continue;
      }
      const actor = hubSpotActor(origin);
      const source = hubSpotSource(origin);
      if (property === 'email') {
        const from = previous?.value ? normalizeEmail(previous.value) : undefined;
        notices.push(from ? { kind: 'subject-changed', externalId, from, to: subject, at } : { kind: 'ignored', externalId, reason: 'the email address was set, with no earlier address' });
        continue;
      }
      const optOut = optOutSubscriptionOf(property);
      if (optOut !== undefined) {
        if ((event.propertyValue ?? version?.value) !== 'true') {
          notices.push({ kind: 'ignored', externalId, reason: 'an opt-out was lifted; a new consent needs its own opt-in, which HubSpot does not record here' });
          continue;
        }
        const purposes = purposesOf(optOut);
        if (purposes.length === 0) notices.push({ kind: 'ignored', externalId, reason: `no purpose is mapped to subscription ${optOut}` });
        for (const purpose of purposes) {
          changes.push({
            subject,
            externalId: `${changeId}:${purpose}`,
            event: { at, type: 'consent.withdrawn', purpose, channel, source, ...(actor ? { actor } : {}), reason: `${property} set in HubSpot (${sourceKindOf(origin.sourceType)})` },
          });
        }
        continue;
      }
      const name = fieldNameOf(property, fieldNames);
      if (!name) {
        notices.push({ kind: 'ignored', externalId, reason: `${property} has no field name in the model` });
        continue;
      }
      const value = event.propertyValue ?? version?.value ?? null;
      const field: FieldChange = { name, value: value === '' ? null : value };
      if (previous) field.previousValue = previous.value === '' ? null : previous.value;
      changes.push({ subject, externalId: changeId, event: { at, type: 'data.updated', source, fields: [field], ...(actor ? { actor } : {}) } });
    }
    return { changes, notices };
  };
}

/** The CRM id of a property version (webhooks and backfill alike): the contact, the property and the version's time. */
export function hubSpotVersionId(contactId: string, property: string, timestamp: string): string {
  return `contact:${contactId}:${property}:${timestamp}`;
}

/** The CRM id of a contact's creation. */
export function hubSpotCreationId(contactId: string): string {
  return `contact:${contactId}:created`;
}

/** HubSpot event ids are unique per portal; the subscription and object make a collision impossible. */
function externalIdOf(event: HubSpotWebhookEvent): string {
  return `${event.portalId}:${event.subscriptionType}:${event.objectId}:${event.eventId}`;
}

/**
 * The history version the event reports (same time and value; else the newest with that value) and
 * the one before it, which holds the previous value. History is newest first.
 */
function matchVersion(history: readonly HubSpotPropertyVersionRead[], event: HubSpotWebhookEvent): { version?: HubSpotPropertyVersionRead; previous?: HubSpotPropertyVersionRead } {
  const at = new Date(event.occurredAt).toISOString();
  let index = history.findIndex((version) => version.timestamp === at && (event.propertyValue === undefined || version.value === event.propertyValue));
  if (index === -1 && event.propertyValue !== undefined) index = history.findIndex((version) => version.value === event.propertyValue);
  if (index === -1) return {};
  const version = history[index]!;
  const previous = history[index + 1];
  return previous ? { version, previous } : { version };
}

/** The values a contact was created with: the oldest version of each mapped property, when it dates from the creation. */
function creationFields(contact: HubSpotContactHistory, fieldNames: Readonly<Record<string, string>>): FieldChange[] {
  const fields: FieldChange[] = [];
  for (const [property, name] of Object.entries(fieldNames)) {
    const oldest = contact.history[property]?.at(-1);
    if (!oldest || oldest.value === '' || oldest.timestamp !== contact.createdAt) continue;
    fields.push({ name, value: oldest.value });
  }
  if (!fields.some((field) => field.name === (fieldNames['email'] ?? 'email')) && contact.properties['email']) fields.unshift({ name: fieldNames['email'] ?? 'email', value: contact.properties['email'] });
  return fields;
}
