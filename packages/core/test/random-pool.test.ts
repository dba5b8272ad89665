import { describe, expect, it } from 'vitest';
import { pooledRandomBytes } from '../src/trail/random-pool';
import { buildTrail } from '../src/index';

describe('pooled random bytes', () => {
  it('hands out every byte once: draws across many blocks are distinct and never change afterwards', () => {
    const draws = Array.from({ length: 5_000 }, () => pooledRandomBytes(16));
    const copies = draws.map((bytes) => Buffer.from(bytes).toString('hex'));
    // 5,000 × 16 bytes spans about 20 blocks; later draws must not overwrite earlier ones.
    expect(draws.map((bytes) => Buffer.from(bytes).toString('hex'))).toEqual(copies);
    expect(new Set(copies).size).toBe(draws.length);
    expect(draws.every((bytes) => bytes.length === 16)).toBe(true);
  });

  it('serves odd and large lengths', () => {
    expect(pooledRandomBytes(0)).toHaveLength(0);
    expect(pooledRandomBytes(3)).toHaveLength(3);
    const large = pooledRandomBytes(10_000);
    expect(large).toHaveLength(10_000);
    // 10,000 random bytes all zero has probability 2^-80000.
    expect(large.some((byte) => byte !== 0)).toBe(true);
  });

  it('gives built trails unique ids and salts by default', () => {
    const trails = Array.from({ length: 300 }, (_, index) =>
      buildTrail(`p${index}@example.org`, [{ subject: `p${index}@example.org`, at: '2024-01-01T00:00:00Z', type: 'data.collected', source: { kind: 'import', name: 'x' }, fields: [{ name: 'a', value: 'b' }] }]),
    );
    const ids = trails.map((trail) => trail.events[0]!.id);
    const salts = trails.map((trail) => trail.events[0]!.salt);
    expect(new Set(ids).size).toBe(300);
    expect(new Set(salts).size).toBe(300);
  });
});
