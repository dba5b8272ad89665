/**
 * Secrets never leave through the side doors: an adapter given a distinctive access token or API
 * key runs a schema check, pushes with progress, pulls, fails on injected 5xx and 429s, is refused
 * with a wrong token, and erases; then every error (message, stack, cause chain, body), every
 * failure reason, every progress event, everything written to the console and every call the
 * emulator recorded (headers, query, bodies, answers) is searched for any 12-character piece of the
 * secrets. Pure driver: returns the places where a secret showed up.
 */
import { inspect } from 'node:util';
import { buildTrail, type CrmAdapter, type RetryOptions } from '@optintrail/core';
import type { FaultProfile } from './fault-suite';

export interface SecretsTarget {
  name: string;
  /** The secrets in play (the valid one and the wrong one given to `createAdapter`). */
  secrets: string[];
  /** An adapter using the valid secret (`valid`) or a wrong but well-formed one (`wrong`). */
  createAdapter(secret: 'valid' | 'wrong', settings: { retry: RetryOptions }): CrmAdapter;
  faults: { set(settings: FaultProfile): void };
  /** Every call the emulator recorded. */
  readonly calls: readonly unknown[];
  reset(): void | Promise<void>;
}

export interface SecretsResult {
  /** Where a secret (or a 12-character piece of one) was found. */
  leaks: string[];
  /** How much was searched, so that a test can check the search was not empty. */
  searched: { errors: number; failures: number; progressEvents: number; consoleLines: number; calls: number };
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/** Every 12-character window of each secret: a truncated or partly masked copy is a leak too. */
function pieces(secrets: readonly string[]): string[] {
  const result = new Set<string>();
  for (const secret of secrets) {
    if (secret.length <= 12) result.add(secret);
    for (let start = 0; start + 12 <= secret.length; start += 1) result.add(secret.slice(start, start + 12));
  }
  return [...result];
}

export async function runSecretsSuite(target: SecretsTarget): Promise<SecretsResult> {
  await target.reset();
  const captured: Array<{ where: string; text: string }> = [];
  const errors: unknown[] = [];
  const failures: unknown[] = [];
  const progress: unknown[] = [];
  const consoleLines: string[] = [];
  const originals = CONSOLE_METHODS.map((method) => [method, console[method]] as const);
  for (const method of CONSOLE_METHODS) {
    console[method] = (...parts: unknown[]) => {
      consoleLines.push(parts.map((part) => (typeof part === 'string' ? part : inspect(part, { depth: 6 }))).join(' '));
    };
  }
  const attempt = async (label: string, run: () => Promise<unknown>) => {
    try {
      const value = await run();
      captured.push({ where: `${label}: result`, text: inspect(value, { depth: 8 }) });
    } catch (error) {
      errors.push(error);
      captured.push({ where: `${label}: error`, text: `${String(error)}\n${(error as Error)?.stack ?? ''}\n${inspect(error, { depth: 8, showHidden: true })}\n${safeJson(error)}` });
    }
  };
  const fast: RetryOptions = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 };
  try {
    const adapter = target.createAdapter('valid', { retry: fast });
    const subject = `secrets-${target.name}@privacy.example.org`;
    const trailOf = (email: string) =>
      buildTrail(email, [{ subject: email, at: '2020-05-01T10:00:00Z', type: 'consent.given', purpose: 'newsletter', channel: 'email', source: { kind: 'web-form', name: 'Newsletter form' }, proof: { ip: '203.0.113.9' } }]);
    const trail = trailOf(subject);
    const second = trailOf(`secrets-2-${target.name}@privacy.example.org`);
    await attempt('ensureSchema', () => adapter.ensureSchema());
    const collect = async (label: string, run: () => Promise<{ failures: unknown[] }>) =>
      attempt(label, async () => {
        const report = await run();
        failures.push(...report.failures);
        return report;
      });
    await collect('push', () => adapter.push([trail], { onProgress: (event) => progress.push(event) }));
    await attempt('pull', () => adapter.pull({ email: subject }));
    await attempt('pull unknown', () => adapter.pull({ email: `nobody-${target.name}@privacy.example.org` }));
    // The CRM failing: 5xx then 429s, on every call, for a push and a pull.
    target.faults.set({ serverError: 1, seed: 3 });
    await collect('push on 5xx', () => adapter.push([second], { onProgress: (event) => progress.push(event) }));
    await attempt('pull on 5xx', () => adapter.pull({ email: subject }));
    target.faults.set({ rateLimit: 1, retryAfterSeconds: 0, seed: 4 });
    await collect('push on 429', () => adapter.push([second]));
    await attempt('pull on 429', () => adapter.pull({ email: subject }));
    target.faults.set({ dropConnection: 1, seed: 5 });
    await attempt('pull on a dropped connection', () => adapter.pull({ email: subject }));
    target.faults.set({});
    // A wrong token: refused at once, with a message saying what to fix.
    const refused = target.createAdapter('wrong', { retry: fast });
    await attempt('ensureSchema with a wrong secret', () => refused.ensureSchema());
    await collect('push with a wrong secret', () => refused.push([second], { onProgress: (event) => progress.push(event) }));
    await attempt('pull with a wrong secret', () => refused.pull({ email: subject }));
    if (adapter.erase) await attempt('erase', () => adapter.erase!({ email: subject }, { requestedAt: '2024-01-01T00:00:00Z', requestedBy: 'privacy-test' }));
  } finally {
    for (const [method, original] of originals) console[method] = original as never;
  }

  for (const failure of failures) captured.push({ where: 'failure reason', text: safeJson(failure) });
  for (const event of progress) captured.push({ where: 'progress event', text: safeJson(event) });
  for (const line of consoleLines) captured.push({ where: 'console', text: line });
  for (const call of target.calls) captured.push({ where: 'recorded call', text: safeJson(call) });

  const leaks: string[] = [];
  const needles = pieces(target.secrets);
  for (const { where, text } of captured) {
    const found = needles.find((needle) => text.includes(needle));
    if (found) leaks.push(`${where} holds "${found}": ${text.slice(Math.max(0, text.indexOf(found) - 80), text.indexOf(found) + 40).replace(/\s+/g, ' ')}`);
  }
  return {
    leaks: [...new Set(leaks)],
    searched: { errors: errors.length, failures: failures.length, progressEvents: progress.length, consoleLines: consoleLines.length, calls: target.calls.length },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, item: unknown) => (item instanceof Error ? { ...item, name: item.name, message: item.message, stack: item.stack } : item)) ?? '';
  } catch {
    return inspect(value, { depth: 6 });
  }
}
