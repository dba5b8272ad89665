/**
 * Counts requests in a rolling window (HubSpot's "190 per 10 seconds"). `timeScale` shrinks the
 * window for fast tests and benchmarks: with timeScale 10, a 10 s window lasts 1 s of wall time.
 */
export class RollingWindowLimit {
  readonly #timestamps: number[] = [];
  #head = 0;
  readonly windowMs: number;

  constructor(
    readonly limit: number,
    windowMs: number,
    readonly timeScale = 1,
    private readonly now: () => number = Date.now,
  ) {
    this.windowMs = windowMs / timeScale;
  }

  /** Takes one slot if there is one; otherwise returns the milliseconds until one frees up. */
  take(): { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number } {
    const now = this.now();
    while (this.#head < this.#timestamps.length && this.#timestamps[this.#head]! <= now - this.windowMs) this.#head += 1;
    if (this.#head > 1024) {
      this.#timestamps.splice(0, this.#head);
      this.#head = 0;
    }
    const used = this.#timestamps.length - this.#head;
    if (used >= this.limit) {
      return { allowed: false, retryAfterMs: Math.max(1, this.#timestamps[this.#head]! + this.windowMs - now) };
    }
    this.#timestamps.push(now);
    return { allowed: true, remaining: this.limit - used - 1 };
  }

  reset(): void {
    this.#timestamps.length = 0;
    this.#head = 0;
  }
}

/** Counts calls against a daily allowance (Salesforce's rolling 24 h API request budget). */
export class DailyAllowance {
  used = 0;
  constructor(public max: number) {}

  take(count = 1): boolean {
    if (this.used + count > this.max) return false;
    this.used += count;
    return true;
  }

  reset(): void {
    this.used = 0;
  }
}
