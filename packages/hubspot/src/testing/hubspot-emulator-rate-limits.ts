import { DailyAllowance, RollingWindowLimit } from '@optintrail/emulator-kit';
import type { RateLimitPolicy } from './hubspot-emulator-errors';

/**
 * HubSpot's budgets for one account and token, as the emulator enforces them.
 * Defaults: private app on Professional/Enterprise (FACTS.md: 190 per 10 s, 650,000 per day);
 * search has its own per-second budget and is exempt from the ten-secondly one
 * (`x-hubspot-rate-limit-exemptions: ["ten-secondly"]` on search in crm-contacts-v3.json).
 */
export interface HubSpotRateLimitSettings {
  /** Requests per rolling 10-second window. Default 190. */
  perTenSeconds?: number;
  /** Search requests per second. Default 4 (FACTS.md [V]; a later change may allow 5). */
  searchPerSecond?: number;
  /** Requests per day. Default 650,000. */
  perDay?: number;
  /** Shrinks the windows for fast tests: with 10, the 10-second window lasts 1 second. Default 1 (real time). */
  timeScale?: number;
}

export type RateDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; policy: RateLimitPolicy; retryAfterMs: number; headers: Record<string, string> };

/** The per-10-second, per-second (search) and daily counters, plus the `X-HubSpot-RateLimit-*` headers they produce. */
export class HubSpotRateLimiter {
  readonly #tenSecondly: RollingWindowLimit;
  readonly #searchSecondly: RollingWindowLimit;
  readonly #daily: DailyAllowance;
  readonly #settings: Required<HubSpotRateLimitSettings>;

  constructor(settings: HubSpotRateLimitSettings = {}) {
    this.#settings = {
      perTenSeconds: settings.perTenSeconds ?? 190,
      searchPerSecond: settings.searchPerSecond ?? 4,
      perDay: settings.perDay ?? 650_000,
      timeScale: settings.timeScale ?? 1,
    };
    this.#tenSecondly = new RollingWindowLimit(this.#settings.perTenSeconds, 10_000, this.#settings.timeScale);
    this.#searchSecondly = new RollingWindowLimit(this.#settings.searchPerSecond, 1_000, this.#settings.timeScale);
    this.#daily = new DailyAllowance(this.#settings.perDay);
  }

  /** Counts one request, or says which limit refused it and for how long (wall-clock milliseconds). */
  take(isSearch: boolean): RateDecision {
    if (this.#daily.used >= this.#daily.max) {
      // [R] The daily window resets at midnight in the account's time zone; the emulator only resets on reset().
      return { allowed: false, policy: 'DAILY', retryAfterMs: 86_400_000 / this.#settings.timeScale, headers: this.#headers(0) };
    }
    if (isSearch) {
      const decision = this.#searchSecondly.take();
      if (!decision.allowed) return { allowed: false, policy: 'SECONDLY', retryAfterMs: decision.retryAfterMs, headers: {} };
      this.#daily.take();
      return { allowed: true, headers: {} };
    }
    const decision = this.#tenSecondly.take();
    if (!decision.allowed) return { allowed: false, policy: 'TEN_SECONDLY_ROLLING', retryAfterMs: decision.retryAfterMs, headers: this.#headers(0) };
    this.#daily.take();
    return { allowed: true, headers: this.#headers(decision.remaining) };
  }

  /**
   * X-HubSpot-RateLimit-Daily / -Daily-Remaining: HubSpot changelog 2018-11-06 [V].
   * -Interval-Milliseconds / -Max / -Remaining: widely read by clients of the live API [V3].
   */
  #headers(remaining: number): Record<string, string> {
    return {
      'x-hubspot-ratelimit-interval-milliseconds': String(Math.round(10_000 / this.#settings.timeScale)),
      'x-hubspot-ratelimit-max': String(this.#settings.perTenSeconds),
      'x-hubspot-ratelimit-remaining': String(remaining),
      'x-hubspot-ratelimit-daily': String(this.#settings.perDay),
      'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, this.#daily.max - this.#daily.used)),
    };
  }

  reset(): void {
    this.#tenSecondly.reset();
    this.#searchSecondly.reset();
    this.#daily.reset();
  }
}
