import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import { ValidationError } from '../errors';
import type { ProvenanceEventInput } from './event';

/**
 * How a proof IP is stored, when the full address is more than the evidence needs (GDPR Art. 5(1)(c),
 * data minimisation):
 * - `truncate`: the network only, IPv4 to its /24 (`203.0.113.77` → `203.0.113.0`), IPv6 to its /48
 *   (`2001:db8:4:5::1` → `2001:db8:4::`). Still readable as "where from", no longer one device.
 * - `hmac`: `hmac:` + hex HMAC-SHA256 of the address under a key the controller keeps (never stored
 *   with the trail). Whoever holds the key can check that a given address is the one recorded; nobody
 *   else can recover it, and without the key it cannot be guessed by hashing all 2^32 IPv4 addresses.
 */
export type IpProtection = { mode: 'truncate' } | { mode: 'hmac'; key: string | Uint8Array };

/** Keys shorter than this are refused: a short key would make the keyed digest guessable. */
export const MIN_IP_HMAC_KEY_BYTES = 16;

const PROTECTED = /^(hmac|sha256):[0-9a-f]{64}$/;

/** Expands an IPv6 address to eight groups of four hex digits (lower case), an embedded IPv4 tail included. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = text.includes('::') ? 8 - left.length - right.length : 0;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((group) => Number.parseInt(group, 16));
}

/** The shortest IPv6 text form (RFC 5952): lower case, leading zeros dropped, the longest zero run as `::`. */
function formatIpv6(groups: readonly number[]): string {
  let best = { start: -1, length: 0 };
  for (let start = 0; start < 8; ) {
    if (groups[start] !== 0) {
      start += 1;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end += 1;
    if (end - start > best.length && end - start > 1) best = { start, length: end - start };
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.start === -1) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/** One canonical text per address, so that two notations of it give the same digest. */
function canonicalIp(address: string): { version: 4 | 6; text: string; groups?: number[] } {
  const version = isIP(address);
  if (version === 4) return { version, text: address.split('.').map((part) => String(Number(part))).join('.') };
  if (version === 6) {
    const groups = ipv6Groups(address);
    return { version, text: formatIpv6(groups), groups };
  }
  throw new ValidationError([{ path: 'ip', reason: 'is not an IPv4 or IPv6 address' }], 'Cannot protect the proof IP');
}

function keyBytes(key: string | Uint8Array): Uint8Array {
  const bytes = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  if (bytes.length < MIN_IP_HMAC_KEY_BYTES) {
    throw new ValidationError([{ path: 'key', reason: `must be at least ${MIN_IP_HMAC_KEY_BYTES} bytes (a random secret kept outside the CRM)` }], 'Cannot protect the proof IP');
  }
  return bytes;
}

/**
 * Truncates or keys an IP address for storage as proof (see `IpProtection`). Pure and deterministic:
 * the same address and settings always give the same value. A value already protected (`hmac:…`,
 * `sha256:…`) is returned as it is, so applying it twice changes nothing. An IPv4 address written as
 * IPv6 (`::ffff:203.0.113.7`) is truncated as IPv4 (`::ffff:203.0.113.0`). Throws `ValidationError`
 * for something that is not an address, or a key shorter than 16 bytes.
 */
export function protectIp(ip: string, protection: IpProtection): string {
  if (PROTECTED.test(ip)) return ip;
  const address = canonicalIp(ip.trim());
  if (protection.mode === 'hmac') {
    return `hmac:${createHmac('sha256', keyBytes(protection.key)).update(address.text, 'utf8').digest('hex')}`;
  }
  if (address.version === 4) return address.text.replace(/\.\d+$/, '.0');
  const groups = address.groups!;
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) return `::ffff:${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.0`;
  return formatIpv6([...groups.slice(0, 3), 0, 0, 0, 0, 0]);
}

/**
 * An event input with every proof IP (`proof.ip`, `proof.doubleOptIn.ip`) protected; the rest is
 * untouched. Apply it before `appendEvents`/`buildTrail` (or pass `ipProtection` to them), so that the
 * full address never enters the trail, its hash chain or any CRM. Inputs without a proof come back as
 * they are; an IP that is not an address throws `ValidationError` with its path.
 */
export function protectEventIps<T extends Pick<ProvenanceEventInput, 'proof'>>(input: T, protection: IpProtection): T {
  return protectInputIps(input, protection) as T;
}

/**
 * `protectEventIps` for input not validated yet: anything that is not an object with a proof, or
 * whose IPs are not strings, is returned as it is for the event schema to report. `path` prefixes the
 * paths of the `ValidationError` (e.g. `events[3]`).
 */
export function protectInputIps(input: unknown, protection: IpProtection, path = ''): unknown {
  const proof = (input as { proof?: unknown } | null)?.proof as ProvenanceEventInput['proof'] | undefined;
  if (!proof || typeof proof !== 'object' || (typeof proof.ip !== 'string' && typeof proof.doubleOptIn?.ip !== 'string')) return input;
  const guard = (at: string, value: string) => {
    try {
      return protectIp(value, protection);
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error;
      const full = path ? `${path}.${at}` : at;
      throw new ValidationError(error.issues.map((issue) => ({ ...issue, path: issue.path === 'ip' ? full : issue.path })), 'Cannot protect the proof IP');
    }
  };
  return {
    ...(input as object),
    proof: {
      ...proof,
      ...(typeof proof.ip === 'string' ? { ip: guard('proof.ip', proof.ip) } : {}),
      ...(proof.doubleOptIn && typeof proof.doubleOptIn.ip === 'string' ? { doubleOptIn: { ...proof.doubleOptIn, ip: guard('proof.doubleOptIn.ip', proof.doubleOptIn.ip) } } : {}),
    },
  };
}
