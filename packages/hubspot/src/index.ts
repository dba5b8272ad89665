/**
 * `@optintrail/hubspot`: keeps OptinTrail provenance trails inside HubSpot, through the official
 * `@hubspot/api-client`. The local HubSpot emulator for tests is `@optintrail/hubspot/testing`.
 */
export { createHubSpotAdapter } from './hubspot-adapter';
export type { HubSpotAdapter, HubSpotAdapterSettings } from './hubspot-adapter';
export type { HubSpotConnectionSettings, HubSpotRateLimit } from './hubspot-client';
export { HUBSPOT_ADAPTER_ID, toHubSpotError } from './hubspot-errors';
export { DEFAULT_PROPERTY_NAMING, readPropertyValue, summaryProperties } from './hubspot-properties';
export type { HubSpotPropertyNaming, HubSpotSummaryProperty } from './hubspot-properties';
export { MAX_NOTE_BODY_CHARACTERS, NOTE_TO_CONTACT_ASSOCIATION, noteBody, readNote } from './hubspot-notes';
export type { NoteContent } from './hubspot-notes';
export { LEGAL_BASIS_BY_LAWFUL_BASIS, subscriptionStatusRequests } from './hubspot-subscriptions';
export type { HubSpotLegalBasis, HubSpotStatusRequest, HubSpotSubscriptionMapping } from './hubspot-subscriptions';
export { DEFAULT_HUBSPOT_DATA_PROPERTIES } from './hubspot-rectify';
export type { HubSpotRectifySettings } from './hubspot-rectify';
export { createHubSpotWebhookHandler, createHubSpotWebhookParser, readHubSpotWebhookEvents, HUBSPOT_CAPTURE_NAMESPACE } from './hubspot-webhooks';
export type { HubSpotWebhookEvent, HubSpotWebhookHandlerSettings, HubSpotWebhookSettings } from './hubspot-webhooks';
export { createHubSpotWebhookVerifier, hubSpotSignatureV3, hubSpotSignedUri, HUBSPOT_SIGNATURE_MAX_AGE_MS } from './hubspot-webhook-signature';
export type { HubSpotWebhookVerifierSettings } from './hubspot-webhook-signature';
export { DEFAULT_HUBSPOT_FIELD_NAMES, hubSpotActor, hubSpotSource, sourceKindOf } from './hubspot-change-sources';
export type { HubSpotChangeOrigin } from './hubspot-change-sources';
export { backfillHubSpot, hubSpotBackfillSubjects, HUBSPOT_BACKFILL_NAMESPACE } from './hubspot-backfill';
export type { HubSpotBackfillSettings } from './hubspot-backfill';
