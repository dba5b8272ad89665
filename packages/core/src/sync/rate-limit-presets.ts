import type { RateLimitSettings } from './rate-limiter';

/** A published budget, ready for `createRateLimiter`, with where the figure comes from. */
export interface RateLimitPreset extends Pick<RateLimitSettings, 'maxRequests' | 'intervalMs' | 'maxConcurrent'> {
  /** The vendor's wording of the limit, and its source (see vendor-specs/FACTS.md). */
  source: string;
}

/**
 * The CRMs' published budgets per account tier. Pick the one of the account you sync into
 * (`createRateLimiter(RATE_LIMIT_PRESETS.hubspot.professional)`) or pass the tier name to an
 * adapter (`createHubSpotAdapter({ rateLimit: 'starter' })`). Pacing at the published figure is
 * safe: the limiter spaces calls evenly, so no rolling window ever holds more.
 */
export const RATE_LIMIT_PRESETS = {
  hubspot: {
    /** Free and Starter accounts: 100 per 10 s ([V3] api-evangelist hubspot-rate-limits.yml). */
    free: { maxRequests: 100, intervalMs: 10_000, source: 'Free/Starter: 100 per 10 s' },
    starter: { maxRequests: 100, intervalMs: 10_000, source: 'Free/Starter: 100 per 10 s' },
    /** Private apps on Professional: 190 per 10 s ([V] HubSpot changelog "increasing our API limits"). */
    professional: { maxRequests: 190, intervalMs: 10_000, source: 'Professional private app: 190 per 10 s' },
    enterprise: { maxRequests: 190, intervalMs: 10_000, source: 'Enterprise private app: 190 per 10 s' },
    /** The API capacity pack raises the burst to 250 per 10 s ([V]). */
    'capacity-pack': { maxRequests: 250, intervalMs: 10_000, source: 'API capacity pack: 250 per 10 s' },
    /** OAuth (public) apps: 100 per 10 s per account ([V]). */
    'oauth-app': { maxRequests: 100, intervalMs: 10_000, source: 'OAuth app: 100 per 10 s per account' },
  },
  mailchimp: {
    /** No request rate is published; 10 simultaneous connections per user ([V] rate-limits-and-timeouts). */
    default: { maxRequests: 1_000, intervalMs: 1_000, maxConcurrent: 10, source: '10 simultaneous connections per user' },
  },
  salesforce: {
    /**
     * No per-second limit; 25 concurrent long (≥ 20 s) requests in production and sandboxes, 5 in
     * Developer Edition and trials ([V] app limits cheat sheet). The daily allowance is the real budget.
     */
    production: { maxRequests: 1_000, intervalMs: 1_000, maxConcurrent: 25, source: '25 concurrent long requests; daily allowance' },
    developer: { maxRequests: 1_000, intervalMs: 1_000, maxConcurrent: 5, source: '5 concurrent long requests (Developer Edition)' },
  },
} as const satisfies Record<string, Record<string, RateLimitPreset>>;

export type HubSpotTier = keyof typeof RATE_LIMIT_PRESETS.hubspot;

/** The same budget with its interval divided by `timeScale` (emulators run their windows that much faster). */
export function scaleRateLimit<T extends Pick<RateLimitSettings, 'intervalMs'>>(settings: T, timeScale: number): T {
  if (!(timeScale > 0)) throw new RangeError('timeScale must be positive');
  return { ...settings, intervalMs: settings.intervalMs / timeScale };
}
