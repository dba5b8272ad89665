export { createMailchimpClient } from './mailchimp-client';
export type { MailchimpClient, MailchimpClientSettings } from './mailchimp-client';
export { subscriberHash } from './mailchimp-subscriber-hash';
export { MAILCHIMP_TEXT_FIELD_MAX_BYTES, MAILCHIMP_NOTE_MAX_CHARACTERS, truncateToUtf8Bytes, utf8ByteLength } from './mailchimp-text-budget';
export type * from './mailchimp-sdk-types';
export { readBatchResultsArchive, fetchBatchResults } from './mailchimp-batch-results';
export type { MailchimpBatchResult } from './mailchimp-batch-results';
