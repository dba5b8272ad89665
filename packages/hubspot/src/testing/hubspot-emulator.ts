import {
  Router,
  startEmulatorServer,
  type EmulatorRequest,
  type EmulatorResponse,
  type FaultInjector,
  type FaultSettings,
  type RecordedCall,
} from '@optintrail/emulator-kit';
import { randomUUID } from 'node:crypto';
import { registerAssociationRoutes } from './hubspot-emulator-associations';
import type { HubSpotRouteContext } from './hubspot-emulator-context';
import { authenticationFailure, errorBody, HubSpotEmulatorFailure, rateLimitBody } from './hubspot-emulator-errors';
import { json, jsonContentType } from './hubspot-emulator-http';
import { registerObjectRoutes } from './hubspot-emulator-objects';
import { registerPropertyRoutes } from './hubspot-emulator-properties';
import { HubSpotRateLimiter, type HubSpotRateLimitSettings } from './hubspot-emulator-rate-limits';
import { HubSpotEmulatorState } from './hubspot-emulator-state';
import { HubSpotStore, type HubSpotSubscriptionDefinition } from './hubspot-emulator-store';
import { registerSubscriptionRoutes } from './hubspot-emulator-subscriptions';
import { HubSpotWebhookSender, type HubSpotEmulatorWebhookSettings } from './hubspot-emulator-webhooks';

/** Settings of a local HubSpot. Every field is optional; the defaults behave like a Professional account's private app. */
export interface HubSpotEmulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Valid bearer tokens. Default: any non-empty bearer token is accepted. */
  accessTokens?: string[];
  /** Rate limits, or `false` to turn them off (benchmarks counting calls, tests not about limits). */
  rateLimit?: HubSpotRateLimitSettings | false;
  /** Fault switches at start; change them later through `emulator.faults`. */
  faults?: FaultSettings;
  /** Subscription types the account offers (communication preferences). Default: "Newsletter" (id 101) and "Offers" (id 102). */
  subscriptionDefinitions?: Array<Pick<HubSpotSubscriptionDefinition, 'id' | 'name'> & Partial<HubSpotSubscriptionDefinition>>;
  /** Refuse a SUBSCRIBED status without a legal basis, as accounts with GDPR features on do. Default true. */
  requireLegalBasis?: boolean;
  /** Newly created records stay invisible to search for this long (HubSpot's index lags). Default 0. */
  searchLagMs?: number;
  /** The clock for record timestamps and property history. Default `Date.now`. */
  now?: () => number;
  /** Account id shown in validation messages. Default 12345678. */
  portalId?: number;
  /** Id of the app whose token writes, recorded as `sourceId` of `INTEGRATION` history entries. Default "1234567". */
  appId?: string;
  /** Webhook settings of the app (target URL, client secret, subscriptions); also settable later with `emulator.webhooks.configure`. */
  webhooks?: HubSpotEmulatorWebhookSettings;
}

/** A running local HubSpot. */
export interface HubSpotEmulator {
  /** Base URL to give the SDK as `basePath`, e.g. `http://127.0.0.1:53124` (no trailing slash). */
  readonly url: string;
  /** Every call answered, oldest first, with the bearer token redacted. */
  readonly calls: RecordedCall[];
  /** Fault switches: 429 bursts, 5xx, dropped connections, timeouts, per-record failures (207), latency. */
  readonly faults: FaultInjector;
  /** The backend read path: what the account holds, read without HTTP or an adapter. */
  readonly state: HubSpotEmulatorState;
  /** Webhooks sent when contacts change (configure a target URL first), with every delivery kept for replay. */
  readonly webhooks: HubSpotWebhookSender;
  /** Empties the account (records, custom properties, statuses), the call log, the rate windows and the faults. */
  reset(): void;
  close(): Promise<void>;
}

function defaultDefinitions(options: HubSpotEmulatorOptions): HubSpotSubscriptionDefinition[] {
  const given = options.subscriptionDefinitions ?? [
    { id: '101', name: 'Newsletter', description: 'Monthly news and product updates', purpose: 'Marketing' },
    { id: '102', name: 'Offers', description: 'Promotions and special offers', purpose: 'Marketing' },
  ];
  return given.map((definition) => ({
    description: '',
    isActive: true,
    isDefault: false,
    isInternal: false,
    communicationMethod: 'Email',
    businessUnitId: 0,
    createdAt: '2020-01-01T00:00:00.000Z',
    updatedAt: '2020-01-01T00:00:00.000Z',
    ...definition,
  }));
}

/**
 * Starts a local HubSpot on 127.0.0.1 that speaks the part of HubSpot's REST API the adapter uses,
 * with the status codes and bodies @hubspot/api-client 13.5.0 expects.
 *
 * ```ts
 * const emulator = await startHubSpotEmulator();
 * const client = new Client({ accessToken: 'any-token', basePath: emulator.url });
 * ```
 */
export async function startHubSpotEmulator(options: HubSpotEmulatorOptions = {}): Promise<HubSpotEmulator> {
  const store = new HubSpotStore({ now: options.now ?? Date.now, subscriptionDefinitions: defaultDefinitions(options) });
  const state = new HubSpotEmulatorState(store);
  const limiter = options.rateLimit === false ? undefined : new HubSpotRateLimiter(options.rateLimit ?? {});
  const timeScale = (options.rateLimit === false ? undefined : options.rateLimit?.timeScale) ?? 1;
  const tokens = options.accessTokens ? new Set(options.accessTokens) : undefined;
  let faults: FaultInjector | undefined;

  const router = new Router((request) => {
    throw new HubSpotEmulatorFailure(404, { ...errorBody('OBJECT_NOT_FOUND', `No route for ${request.method} ${request.path}`) });
  });
  const context: HubSpotRouteContext = {
    store,
    get faults() {
      return faults!;
    },
    integrationSource: { sourceType: 'INTEGRATION', sourceId: options.appId ?? '1234567' },
    portalId: options.portalId ?? 12_345_678,
    searchLagMs: options.searchLagMs ?? 0,
    requireLegalBasis: options.requireLegalBasis ?? true,
  };
  registerPropertyRoutes(router, context);
  registerObjectRoutes(router, context);
  registerAssociationRoutes(router, context);
  registerSubscriptionRoutes(router, context);

  const handle = async (request: EmulatorRequest): Promise<EmulatorResponse> => {
    const correlationId = randomUUID();
    let rateHeaders: Record<string, string> = {};
    try {
      authenticate(request, tokens);
      if (limiter) {
        const decision = limiter.take(request.method === 'POST' && request.path.endsWith('/search'));
        if (!decision.allowed) return withHeaders(rateLimited(decision.policy, retryAfterSeconds(decision.retryAfterMs, timeScale), decision.headers), correlationId);
        rateHeaders = decision.headers;
      }
      return withHeaders(await router.handle(request), correlationId, rateHeaders);
    } catch (error) {
      if (error instanceof HubSpotEmulatorFailure) {
        return withHeaders({ ...json(error.status, { ...error.body, correlationId }), headers: error.headers }, correlationId, rateHeaders);
      }
      throw error;
    }
  };

  const server = await startEmulatorServer({
    name: 'hubspot',
    handle,
    port: options.port ?? 0,
    ...(options.faults ? { faults: options.faults } : {}),
    faultResponse: (kind) => {
      if (kind === 'rate-limit') {
        const seconds = server.faults.retryAfterSeconds;
        return withHeaders(rateLimited('TEN_SECONDLY_ROLLING', seconds, {}), randomUUID());
      }
      return withHeaders(json(500, errorBody('INTERNAL_ERROR', 'internal error')), randomUUID());
    },
  });
  faults = server.faults;
  const webhooks = new HubSpotWebhookSender(store, { portalId: context.portalId, appId: context.integrationSource.sourceId! }, options.webhooks);

  return {
    url: server.url,
    calls: server.calls,
    faults: server.faults,
    state,
    webhooks,
    reset() {
      webhooks.reset();
      store.reset();
      limiter?.reset();
      server.clearCalls();
      server.faults.reset();
      if (options.faults) server.faults.set(options.faults);
    },
    async close() {
      await webhooks.close();
      await server.close();
    },
  };
}

/** Private-app bearer tokens: `Authorization: Bearer <token>`. */
function authenticate(request: EmulatorRequest, tokens: Set<string> | undefined): void {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match || (tokens && !tokens.has(match[1]!))) throw authenticationFailure();
}

/**
 * The `Retry-After` for a refusal that frees up in `waitMs` (wall clock). HubSpot sends whole seconds;
 * with a time scale the whole emulated seconds are scaled down too (scale 10: `0.2` for 2 s), so a
 * 429 costs a scaled run what it would cost a real one instead of a whole wall-clock second.
 */
function retryAfterSeconds(waitMs: number, timeScale: number): number {
  const emulatedSeconds = Math.ceil((waitMs * timeScale) / 1000);
  return timeScale === 1 ? emulatedSeconds : Number((emulatedSeconds / timeScale).toFixed(3));
}

/** A 429 with `Retry-After` in whole seconds ([R] HubSpot sends it; the SDK does not read it), or none when `retryAfterSeconds` is null. */
function rateLimited(policy: Parameters<typeof rateLimitBody>[0], retryAfterSeconds: number | null, headers: Record<string, string>): EmulatorResponse {
  const response = json(429, rateLimitBody(policy));
  response.headers = { ...headers };
  if (retryAfterSeconds !== null) response.headers['retry-after'] = String(Math.max(0, retryAfterSeconds));
  return response;
}

function withHeaders(response: EmulatorResponse, correlationId: string, extra: Record<string, string> = {}): EmulatorResponse {
  return {
    ...response,
    contentType: response.contentType ?? jsonContentType,
    headers: { ...extra, ...response.headers, 'x-hubspot-correlation-id': correlationId },
  };
}
