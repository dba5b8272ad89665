import { Client } from '@hubspot/api-client';
import {
  CrmApiError,
  createApiCallRunner,
  createRateLimiter,
  createUnlimitedRateLimiter,
  RATE_LIMIT_PRESETS,
  ValidationError,
  type ApiCallRunner,
  type HubSpotTier,
  type RateLimiter,
  type RateLimitPreset,
  type RateLimitSettings,
  type RetryOptions,
} from '@optintrail/core';
import { crmErrorFromResponse, HUBSPOT_ADAPTER_ID, toHubSpotError } from './hubspot-errors';

/**
 * How fast the adapter may call HubSpot. HubSpot's budgets (FACTS.md): private apps on Professional
 * or Enterprise 190 requests per 10 s, Free/Starter and OAuth apps 100 per 10 s, the capacity pack 250.
 */
export interface HubSpotRateLimit {
  /** Requests per interval. Default 190. */
  maxRequests?: number;
  /** The interval in milliseconds. Default 10,000. */
  intervalMs?: number;
  /** Requests in flight at once. Default unlimited (calls are spaced evenly instead). */
  maxConcurrent?: number;
  /** Halve the calls in flight on a 429, creep back up when clean (core's adaptive concurrency). Default off. */
  adaptive?: boolean;
}

export interface HubSpotConnectionSettings {
  /** A configured official client; when given, `accessToken` and `basePath` are not used. */
  client?: Client;
  /** A private app access token. Default: `process.env.HUBSPOT_ACCESS_TOKEN`. */
  accessToken?: string;
  /** API base URL without a trailing slash. Default `https://api.hubapi.com`; the emulator's `url` in tests. */
  basePath?: string;
  /**
   * Pacing: the account's tier (`'free'`, `'starter'`, `'professional'` (the default: 190 per 10 s),
   * `'enterprise'`, `'capacity-pack'` (250), `'oauth-app'` (100)), settings for a limiter of this
   * adapter's own, a `RateLimiter` shared with other adapters or workers (`createRateLimiter({ cluster })`
   * from @optintrail/core), or `false` for none.
   */
  rateLimit?: HubSpotTier | HubSpotRateLimit | RateLimiter | false;
  /** Retry policy (429 honouring Retry-After, 5xx and dropped connections; never other 4xx). */
  retry?: RetryOptions;
  /**
   * Milliseconds before a call with no answer counts as failed (and is retried). Default 60,000.
   * Creating notes, which HubSpot cannot recognise when sent twice, waits as long again for a late
   * answer before reading back what was stored.
   */
  timeoutMs?: number;
}

/** The adapter's way to HubSpot: one client, one limiter, retries, a timeout and a call counter. */
export interface HubSpotConnection {
  readonly client: Client;
  readonly runner: ApiCallRunner;
  /** Runs one SDK call: paced, timed out, retried, errors turned into `CrmApiError`. */
  call<T>(operation: string, call: (client: Client) => Promise<T>): Promise<T>;
  /**
   * Like `call`, for writes HubSpot cannot recognise when sent twice (creating notes): only a 429,
   * answered before any work, is retried. A call unanswered after `timeoutMs` is given as long again
   * to answer late. No answer or a 5xx may have been stored anyway; it is thrown, for the caller to
   * read back what is there before writing again.
   */
  callOnce<T>(operation: string, call: (client: Client) => Promise<T>): Promise<T>;
  /** A raw JSON call through `client.apiRequest`, for endpoints the SDK 13.5 does not wrap (subscriptions v4). */
  request<T>(operation: string, options: { method: string; path: string; body?: unknown }): Promise<T>;
}

function limiterSettings(rateLimit: HubSpotTier | HubSpotRateLimit | undefined): RateLimitSettings {
  if (typeof rateLimit === 'string') {
    const preset = (RATE_LIMIT_PRESETS.hubspot as Record<string, RateLimitPreset | undefined>)[rateLimit];
    if (!preset) {
      throw new ValidationError([{ path: 'rateLimit', reason: `is not a HubSpot tier; use one of ${Object.keys(RATE_LIMIT_PRESETS.hubspot).join(', ')}` }], 'Cannot create the HubSpot adapter');
    }
    return { maxRequests: preset.maxRequests, intervalMs: preset.intervalMs };
  }
  return {
    maxRequests: rateLimit?.maxRequests ?? RATE_LIMIT_PRESETS.hubspot.professional.maxRequests,
    intervalMs: rateLimit?.intervalMs ?? RATE_LIMIT_PRESETS.hubspot.professional.intervalMs,
    ...(rateLimit?.maxConcurrent ? { maxConcurrent: rateLimit.maxConcurrent } : {}),
    ...(rateLimit?.adaptive ? { adaptive: true } : {}),
  };
}

function isRateLimiter(value: unknown): value is RateLimiter {
  return typeof value === 'object' && value !== null && typeof (value as RateLimiter).schedule === 'function';
}

class HubSpotTimeoutError extends Error {
  constructor(milliseconds: number) {
    super(`no answer within ${milliseconds} ms`);
    this.name = 'HubSpotTimeoutError';
  }
}

async function withTimeout<T>(promise: Promise<T>, milliseconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HubSpotTimeoutError(milliseconds)), milliseconds);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * For writes HubSpot cannot recognise when sent twice: past `milliseconds` with no answer, waits as
 * long again for the call to settle before giving up. A late answer (or a late error) is used as it
 * is: the caller then reads back only when the call really went unanswered, and that read-back does
 * not run ahead of a write still on its way (the write would otherwise be sent again and stored twice).
 */
async function withPatientTimeout<T>(promise: Promise<T>, milliseconds: number): Promise<T> {
  try {
    return await withTimeout(promise, milliseconds);
  } catch (error) {
    if (!(error instanceof HubSpotTimeoutError)) throw error;
    return withTimeout(promise, milliseconds);
  }
}

export function createHubSpotConnection(settings: HubSpotConnectionSettings): HubSpotConnection {
  const accessToken = settings.accessToken ?? process.env['HUBSPOT_ACCESS_TOKEN'];
  if (!settings.client && !accessToken) {
    throw new ValidationError(
      [{ path: 'accessToken', reason: 'is required: pass `accessToken` or `client`, or set HUBSPOT_ACCESS_TOKEN to a private app access token' }],
      'Cannot create the HubSpot adapter',
    );
  }
  // The SDK's own retries stay off (its default): ours honour Retry-After, its do not.
  const client = settings.client ?? new Client({ accessToken: accessToken!, ...(settings.basePath ? { basePath: settings.basePath.replace(/\/+$/, '') } : {}) });
  const secrets = accessToken ? [accessToken] : [];
  const limiter =
    settings.rateLimit === false
      ? createUnlimitedRateLimiter()
      : isRateLimiter(settings.rateLimit)
        ? settings.rateLimit
        : createRateLimiter(limiterSettings(settings.rateLimit));
  const anyRunner = createApiCallRunner({
    adapter: HUBSPOT_ADAPTER_ID,
    limiter,
    ...(settings.retry ? { retry: settings.retry } : {}),
    toError: (error, operation) => toHubSpotError(error, operation, secrets),
  });
  const onceRunner = createApiCallRunner({
    adapter: HUBSPOT_ADAPTER_ID,
    limiter,
    retry: { ...settings.retry, isRetryable: (error) => CrmApiError.isInstance(error) && error.isRetryable && error.status === 429 },
    toError: (error, operation) => toHubSpotError(error, operation, secrets),
  });
  // One count for both, as HubSpot counts them.
  const runner: ApiCallRunner = {
    run: (operation, call) => anyRunner.run(operation, call),
    get calls() {
      return anyRunner.calls + onceRunner.calls;
    },
    get retries() {
      return anyRunner.retries + onceRunner.retries;
    },
  };
  const timeoutMs = settings.timeoutMs ?? 60_000;

  return {
    client,
    runner,
    call: (operation, call) => runner.run(operation, () => withTimeout(call(client), timeoutMs)),
    callOnce: (operation, call) => onceRunner.run(operation, () => withPatientTimeout(call(client), timeoutMs)),
    request: <T>(operation: string, options: { method: string; path: string; body?: unknown }) =>
      runner.run(operation, () =>
        withTimeout(
          (async () => {
            const response = await client.apiRequest({ method: options.method, path: options.path, ...(options.body === undefined ? {} : { body: options.body }) });
            const text = await response.text();
            let body: unknown = text;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              // Keep the text: HubSpot answered something other than JSON.
            }
            if (response.status < 200 || response.status > 299) {
              const headers: Record<string, string> = {};
              response.headers.forEach((value, name) => {
                headers[name] = value;
              });
              throw crmErrorFromResponse({ status: response.status, body, headers }, operation, secrets);
            }
            return body as T;
          })(),
          timeoutMs,
        ),
      ),
  };
}
