/**
 * `@optintrail/mailchimp/testing`: a local Mailchimp Marketing API v3 for tests, demos and
 * benchmarks. Point the official client at `emulator.url` with `createMailchimpClient({ baseUrl })`.
 */
export { startMailchimpEmulator } from './mailchimp-emulator';
export type { MailchimpEmulator, MailchimpEmulatorOptions } from './mailchimp-emulator';
export type { MailchimpEmulatorState, MemberSnapshot, EventSnapshot, NoteSnapshot } from './mailchimp-emulator-state';
export type { CreateListOptions, MemberStatus, MarketingPermissionDefinition } from './mailchimp-emulator-store';
export type { MergeValue, MergeAddress, MergeFieldType, StoredMergeField } from './mailchimp-merge-fields';
export type { BatchOperationResult, BatchStatus } from './mailchimp-batch-queue';
export type { MailchimpProblemBody, MailchimpFieldError } from './mailchimp-problem';
export type { FaultSettings, RecordedCall } from '@optintrail/emulator-kit';
export { MailchimpWebhookSender, MAILCHIMP_WEBHOOK_EVENTS, MAILCHIMP_WEBHOOK_SOURCES } from './mailchimp-emulator-webhooks';
export type { MailchimpWebhookDelivery, MailchimpWebhookEventType, MailchimpWebhookSenderOptions, MailchimpWebhookSource, StoredWebhook } from './mailchimp-emulator-webhooks';
export { MailchimpAudienceActivity } from './mailchimp-emulator-activity';
export type { MailchimpActivityRecord, SignupInput } from './mailchimp-emulator-activity';
export type { MailchimpChangeOrigin, MailchimpMemberChange } from './mailchimp-emulator-store';
