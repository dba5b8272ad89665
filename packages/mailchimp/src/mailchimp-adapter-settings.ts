import type { Channel, RateLimiter, RetryOptions, SummaryFieldKey, Touchpoint } from '@optintrail/core';
import type { MailchimpClient } from './mailchimp-client';
import type { MailchimpFieldKey } from './mailchimp-summary-tags';

/** Settings for `createMailchimpAdapter`. Only the audience is required (or `MAILCHIMP_LIST_ID`). */
export interface MailchimpAdapterSettings {
  /** The audience every trail is written to (one audience per adapter). Default `process.env.MAILCHIMP_LIST_ID`. */
  listId?: string;
  /**
   * A client from `createMailchimpClient`. Without it one is built from `apiKey`, `serverPrefix` and
   * `baseUrl` (which fall back to `MAILCHIMP_API_KEY` and `MAILCHIMP_SERVER_PREFIX`).
   */
  client?: MailchimpClient;
  apiKey?: string;
  serverPrefix?: string;
  /** The API base including `/3.0`, e.g. a local emulator's `emulator.url`. */
  baseUrl?: string;
  /** Per-request timeout; default 120 s, Mailchimp's own. */
  timeoutMs?: number;

  /** The purpose the summary fields, the subscription status and the marketing permission follow. Default `newsletter`. */
  purpose?: string;
  /** Its channel. Default `email`. */
  channel?: Channel;
  /** Which summary fields to keep as merge fields. Default all of core's `SUMMARY_FIELD_KEYS` (the trail head and length are always kept). */
  summaryFields?: readonly SummaryFieldKey[];
  /** Merge tags to use instead of the defaults (`OT_STATUS`, `OT_RMD_EN`…, see `DEFAULT_MAILCHIMP_TAGS`). */
  tags?: Partial<Record<MailchimpFieldKey, string>>;
  /**
   * The ready-to-merge reminder sentences (`*|OT_RMD_FR|*`, `*|OT_RMD_EN|*`), made by core's
   * `generateReminder`. `false` leaves those fields empty. Default: the `email-footer` touchpoint, UTC.
   */
  reminder?: false | { touchpoint?: Touchpoint; timeZone?: string; purposeLabels?: Record<string, Record<string, string>> };
  /** Time zone of the days shown in the summary fields. Default `UTC`. */
  timeZone?: string;
  /**
   * Personal fields of the trail copied into the audience's own merge fields, neutral name → tag.
   * Default `{ firstName: 'FNAME', lastName: 'LNAME' }`; `{}` copies nothing.
   */
  dataFields?: Record<string, string>;
  /**
   * The audience's marketing permission (GDPR field) that mirrors the consent: its id, or its text
   * as shown in Mailchimp. Default `Email` when the audience has GDPR fields; `false` never touches them.
   */
  marketingPermission?: string | false;
  /**
   * New members whose opt-in was not confirmed (no double opt-in) are added as `pending`, so that
   * Mailchimp sends its own confirmation email. Default false: added as `subscribed`.
   */
  pendingWithoutConfirmation?: boolean;

  /** Subjects per push batch, default 1,000, at most 5,000 (batch subscribes are split into calls of 500; one `/batches` round trip serves the whole push batch). */
  batchSize?: number;
  /**
   * Push batches in flight at once, default 4: while one batch waits on Mailchimp's queue, the
   * others keep the connections busy. Memory holds `concurrency × batchSize` trails; the connection
   * limit (`maxConnections`) still caps requests in flight.
   */
  concurrency?: number;
  /**
   * When notes and member events go through the Batch Operations API (`POST /batches`) instead of
   * one call each: `auto` (default) from `batchOperationsThreshold` operations in a push batch,
   * `always`, or `never`.
   */
  batchOperations?: 'auto' | 'always' | 'never';
  /** Operations in a push batch from which `auto` uses `/batches`. Default 60. */
  batchOperationsThreshold?: number;
  /** First wait before polling a batch's status (then ×1.5 up to 15 s). Default 1,000 ms. */
  batchPollIntervalMs?: number;
  /** How long to wait for a batch before failing the push batch. Default 30 minutes. */
  batchTimeoutMs?: number;
  /** Used to download batch results (an S3 link, not an API call). Default the global `fetch`. */
  fetch?: typeof fetch;

  /** Simultaneous requests. Mailchimp allows 10 per user (not per key); lower it when other tools share the account. */
  maxConnections?: number;
  /** A shared limiter (e.g. core's `createRateLimiter` with a Redis cluster) when several workers share one account. */
  limiter?: RateLimiter;
  /** Retries of 429, 5xx and dropped connections (core's `withRetry` options). */
  retry?: RetryOptions;
}
