import type { CrmAdapter } from '@optintrail/core';
import { describe, expect, it } from 'vitest';
import { createInMemoryAdapter } from '../src/in-memory-adapter';
import { runSecretsSuite } from '../src/secrets-suite';

const TOKEN = 'sk_live_4f9a1c7e2b8d6a3f5e0c9b1a';

/** The reference adapter, made careless on purpose in one way. */
function careless(leak: 'console' | 'error' | 'progress' | 'none'): CrmAdapter {
  const adapter = createInMemoryAdapter();
  return {
    ...adapter,
    async ensureSchema() {
      if (leak === 'console') console.warn(`calling with Bearer ${TOKEN}`);
      if (leak === 'error') throw new Error(`401 for token ${TOKEN.slice(0, 14)}…`);
      return adapter.ensureSchema();
    },
    push: (trails, options) => adapter.push(trails, { ...options, onProgress: (event) => options?.onProgress?.(leak === 'progress' ? ({ ...event, cursor: TOKEN } as never) : event) }),
  };
}

describe('the secrets suite itself', () => {
  it.each(['console', 'error', 'progress'] as const)('finds a token leaked through %s, even a truncated one', async (leak) => {
    const result = await runSecretsSuite({ name: 'careless', secrets: [TOKEN], createAdapter: () => careless(leak), faults: { set: () => undefined }, calls: [], reset: () => undefined });
    expect(result.leaks.length).toBeGreaterThan(0);
    expect(result.leaks.join('\n')).toMatch(leak === 'progress' ? /progress event/ : leak === 'console' ? /console/ : /error/);
  });

  it('finds nothing where nothing leaks', async () => {
    const result = await runSecretsSuite({ name: 'careful', secrets: [TOKEN], createAdapter: () => careless('none'), faults: { set: () => undefined }, calls: [{ headers: { authorization: '[redacted]' } }], reset: () => undefined });
    expect(result.leaks).toEqual([]);
  });
});
