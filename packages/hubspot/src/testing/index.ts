/**
 * `@optintrail/hubspot/testing`: a local HubSpot for tests, demos, examples and benchmarks.
 * A real HTTP server on 127.0.0.1 with state in memory; point the official SDK at `emulator.url`.
 */
export { startHubSpotEmulator } from './hubspot-emulator';
export type { HubSpotEmulator, HubSpotEmulatorOptions } from './hubspot-emulator';
export { HubSpotEmulatorState } from './hubspot-emulator-state';
export type { HubSpotNoteSnapshot, HubSpotRecordSnapshot, HubSpotSubscriptionStatusSnapshot, TamperOptions } from './hubspot-emulator-state';
export type {
  HubSpotPropertyVersion,
  HubSpotSubscriptionDefinition,
  HubSpotSubscriptionStatusVersion,
  HubSpotWriteCounts,
  HubSpotWriteSource,
} from './hubspot-emulator-store';
export type { HubSpotObjectType, HubSpotPropertyDefinition, HubSpotPropertyGroup, HubSpotPropertyOption } from './hubspot-emulator-schema';
export type { HubSpotRateLimitSettings } from './hubspot-emulator-rate-limits';
export type { HubSpotErrorBody, HubSpotErrorDetail, HubSpotStandardError } from './hubspot-emulator-errors';
export { FaultInjector } from '@optintrail/emulator-kit';
export type { FaultKind, FaultSettings, RecordedCall } from '@optintrail/emulator-kit';
export { HubSpotWebhookSender } from './hubspot-emulator-webhooks';
export type { HubSpotEmulatorWebhookSettings, HubSpotEmulatorWebhookSubscription, HubSpotWebhookDelivery } from './hubspot-emulator-webhooks';
export type { HubSpotStoreChange } from './hubspot-emulator-store';
