import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTrail, protectEventIps, protectIp, ValidationError, verifyTrail } from '../src/index';
import { salonEvents, seededBytes } from './fixtures';

const KEY = 'a-controller-secret-of-32-bytes!';

function validationPath(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true);
    return (error as ValidationError).path;
  }
  throw new Error('expected a ValidationError');
}

describe('protectIp', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0'],
    ['10.0.0.255', '10.0.0.0'],
    ['2001:db8:4:5:6:7:8:9', '2001:db8:4::'],
    ['2001:0DB8:0004:0000:0000:0000:0000:0001', '2001:db8:4::'],
    ['fe80::1', 'fe80::'],
    ['::1', '::'],
    ['::ffff:203.0.113.7', '::ffff:203.0.113.0'],
  ])('truncates %s to %s (IPv4 /24, IPv6 /48)', (ip, expected) => {
    expect(protectIp(ip, { mode: 'truncate' })).toBe(expected);
  });

  it('keys an address: same address in any notation, same value; another key or address, another value', () => {
    const digest = protectIp('2001:db8::1', { mode: 'hmac', key: KEY });
    expect(digest).toMatch(/^hmac:[0-9a-f]{64}$/);
    expect(protectIp('2001:0db8:0000:0000:0000:0000:0000:0001', { mode: 'hmac', key: KEY })).toBe(digest);
    expect(protectIp('2001:DB8::1', { mode: 'hmac', key: KEY })).toBe(digest);
    expect(protectIp('2001:db8::2', { mode: 'hmac', key: KEY })).not.toBe(digest);
    expect(protectIp('2001:db8::1', { mode: 'hmac', key: `${KEY}x` })).not.toBe(digest);
    expect(digest).not.toContain('2001');
  });

  it('leaves an already protected value as it is (applying twice changes nothing)', () => {
    const once = protectIp('198.51.100.9', { mode: 'hmac', key: KEY });
    expect(protectIp(once, { mode: 'hmac', key: KEY })).toBe(once);
    expect(protectIp(protectIp('198.51.100.9', { mode: 'truncate' }), { mode: 'truncate' })).toBe('198.51.100.0');
  });

  it('refuses what is not an address, and keys too short to keep a digest from being guessed', () => {
    expect(validationPath(() => protectIp('999.1.1.1', { mode: 'truncate' }))).toBe('ip');
    expect(validationPath(() => protectIp('<script>', { mode: 'hmac', key: KEY }))).toBe('ip');
    expect(validationPath(() => protectIp('192.0.2.1', { mode: 'hmac', key: 'short' }))).toBe('key');
  });

  it('truncation keeps the network and never the host part (property)', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const truncated = protectIp(ip, { mode: 'truncate' });
        expect(truncated.split('.').slice(0, 3)).toEqual(ip.split('.').slice(0, 3).map((part) => String(Number(part))));
        expect(truncated.endsWith('.0')).toBe(true);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const truncated = protectIp(ip, { mode: 'truncate' });
        // At most the first three groups remain, then zeros.
        expect(protectIp(truncated, { mode: 'truncate' })).toBe(truncated);
        expect(truncated.endsWith('::') || truncated.startsWith('::ffff:') || truncated === '::').toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('proof IPs protected when building events', () => {
  const events = () => {
    const [consent, data] = salonEvents();
    return [{ ...consent!, proof: { ip: '192.0.2.44', doubleOptIn: { confirmedAt: '2012-09-20T07:12:00Z', ip: '2001:db8:77:1::5' } } }, data!];
  };

  it('stores the truncated addresses in the trail, which verifies', () => {
    const trail = buildTrail('camille.martin@example.fr', events(), { randomBytes: seededBytes(), ipProtection: { mode: 'truncate' } });
    expect(trail.events[0]!.proof?.ip).toBe('192.0.2.0');
    expect(trail.events[0]!.proof?.doubleOptIn?.ip).toBe('2001:db8:77::');
    expect(JSON.stringify(trail)).not.toContain('192.0.2.44');
    expect(verifyTrail(trail).valid).toBe(true);
  });

  it('stores keyed digests that the holder of the key can match', () => {
    const trail = buildTrail('camille.martin@example.fr', events(), { randomBytes: seededBytes(), ipProtection: { mode: 'hmac', key: KEY } });
    expect(trail.events[0]!.proof?.ip).toBe(protectIp('192.0.2.44', { mode: 'hmac', key: KEY }));
    expect(JSON.stringify(trail)).not.toMatch(/192\.0\.2\.44|2001:db8:77/);
    expect(verifyTrail(trail).valid).toBe(true);
  });

  it('names the event and the field of an address that is not one, and appends nothing', () => {
    const [consent] = events();
    const bad = { ...consent!, proof: { ip: 'not-an-ip' } };
    expect(validationPath(() => buildTrail('camille.martin@example.fr', [salonEvents()[1]!, bad], { ipProtection: { mode: 'truncate' } }))).toBe('events[1].proof.ip');
  });

  it('protectEventIps leaves inputs without an IP untouched', () => {
    const [, data] = salonEvents();
    expect(protectEventIps(data!, { mode: 'truncate' })).toBe(data);
  });
});
