import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * How many proxies in front of the server may be believed: 0 (the default) ignores X-Forwarded-For,
 * since any client can send one. From the `TRUST_PROXY` variable: unset, `0` or `false` → 0;
 * `true` → 1; a number → that many hops.
 */
export function parseTrustProxy(value: string | undefined): number {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '' || text === '0' || text === 'false') return 0;
  if (text === 'true') return 1;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  throw new Error(`TRUST_PROXY must be true, false or the number of proxies in front of this server, not "${value}"`);
}

/** `::ffff:192.0.2.1` (IPv4 on an IPv6 socket) → `192.0.2.1`. */
function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/**
 * The IP address the request came from, for the consent proof.
 *
 * Without trusted proxies it is the socket's peer. With `trustedProxies` = n, it is the n-th address
 * from the right of X-Forwarded-For (each proxy appends the address it received the request from, so
 * the right-most entries are the trusted ones; anything further left was written by the client and
 * could be forged). Returns `undefined` rather than a wrong address when that entry is not an IP.
 */
export function clientAddress(request: IncomingMessage, trustedProxies: number): string | undefined {
  const peer = request.socket.remoteAddress ? plainAddress(request.socket.remoteAddress) : undefined;
  if (trustedProxies === 0) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const chain = [...forwarded, ...(peer ? [peer] : [])];
  const candidate = chain[Math.max(0, chain.length - 1 - trustedProxies)];
  if (candidate === undefined) return undefined;
  const address = plainAddress(candidate);
  return isIP(address) ? address : undefined;
}
