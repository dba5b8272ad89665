import ApiClient from '@mailchimp/mailchimp_marketing/src/ApiClient.js';
import type { MailchimpBatchesApi, MailchimpListsApi, MailchimpPingApi } from './mailchimp-sdk-types';

/** Settings for {@link createMailchimpClient}. */
export interface MailchimpClientSettings {
  /** The API key (`…-us21`). Default: `process.env.MAILCHIMP_API_KEY`. Never logged or put in errors. */
  apiKey?: string;
  /** An OAuth access token instead of an API key (then `serverPrefix` or `baseUrl` is required). */
  accessToken?: string;
  /**
   * The datacenter, e.g. `us21`. Default: `process.env.MAILCHIMP_SERVER_PREFIX`, else the suffix
   * of the API key after its last `-`.
   */
  serverPrefix?: string;
  /**
   * The API base including `/3.0`, e.g. a local emulator's `http://127.0.0.1:53124/3.0`.
   * Default: `https://<serverPrefix>.api.mailchimp.com/3.0`.
   */
  baseUrl?: string;
  /** Per-request timeout in milliseconds. Default 120,000 (Mailchimp's own timeout). */
  timeoutMs?: number;
}

/** The official SDK's API groups, typed narrowly, on a client of their own. */
export interface MailchimpClient {
  readonly lists: MailchimpListsApi;
  readonly batches: MailchimpBatchesApi;
  readonly ping: MailchimpPingApi;
  /** The API base this client calls (without credentials). */
  readonly baseUrl: string;
}

/**
 * Builds an isolated client of the official `@mailchimp/mailchimp_marketing` SDK.
 *
 * The SDK's default export is a process-wide singleton whose URL is
 * `https://server.api.mailchimp.com/3.0` with the first literal `server` replaced by
 * `config.server` (so a path containing "server" gets mangled, and two accounts can't coexist).
 * Instead this constructs the SDK's own `ApiClient` class (`@mailchimp/mailchimp_marketing/src/ApiClient.js`,
 * a public file of a package without an `exports` map), sets `basePath` to the full base URL, and
 * leaves `config.server` unset, which turns the replacement off. Pointing it at a local
 * emulator is then only a different `baseUrl`; nothing is patched.
 */
export function createMailchimpClient(settings: MailchimpClientSettings = {}): MailchimpClient {
  const apiKey = settings.apiKey ?? (settings.accessToken ? undefined : process.env.MAILCHIMP_API_KEY);
  const serverPrefix = settings.serverPrefix ?? process.env.MAILCHIMP_SERVER_PREFIX ?? (apiKey?.includes('-') ? apiKey.slice(apiKey.lastIndexOf('-') + 1) : undefined);
  if (!apiKey && !settings.accessToken) {
    throw new Error('Mailchimp client: no credentials. Pass { apiKey } (or { accessToken }), or set MAILCHIMP_API_KEY.');
  }
  const baseUrl = (settings.baseUrl ?? (serverPrefix ? `https://${serverPrefix}.api.mailchimp.com/3.0` : undefined))?.replace(/\/+$/, '');
  if (!baseUrl) {
    throw new Error('Mailchimp client: no datacenter. Pass { serverPrefix: "us21" } or { baseUrl }, or set MAILCHIMP_SERVER_PREFIX.');
  }
  const client = new ApiClient();
  client.basePath = baseUrl;
  client.timeout = settings.timeoutMs ?? 120_000;
  // No `server` key: the SDK only rewrites "server" in the URL when config.server is defined.
  client.setConfig(apiKey ? { apiKey } : { accessToken: settings.accessToken });
  return {
    lists: client.lists as MailchimpListsApi,
    batches: client.batches as MailchimpBatchesApi,
    ping: client.ping as MailchimpPingApi,
    baseUrl,
  };
}
