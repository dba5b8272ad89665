import { createHmac } from 'node:crypto';
import { ValidationError } from '../errors';
import type { SuppressionCheck } from '../adapter';
import { normalizeEmail } from '../model/subject';

/**
 * A suppression fingerprint: HMAC-SHA256 of the normalised email under a key only the sender holds.
 * It lets `push` recognise an erased address without keeping the address: without the key, the
 * fingerprint cannot be linked back to a person, nor checked against guesses.
 */
export function suppressionFingerprint(email: string, key: string | Uint8Array): string {
  if ((typeof key === 'string' ? Buffer.byteLength(key) : key.byteLength) < 16) {
    throw new ValidationError([{ path: 'key', reason: 'must be at least 16 bytes; generate one with `openssl rand -hex 32` and keep it secret' }]);
  }
  return `hmac-sha256:${createHmac('sha256', key).update(normalizeEmail(email), 'utf8').digest('hex')}`;
}

/** An in-memory suppression list. Persist `fingerprints` (they hold no personal data) and reload them. */
export interface SuppressionList extends SuppressionCheck {
  /** Adds an erased address; returns its fingerprint. */
  add(email: string): string;
  /** True when the address (any case or spacing) was erased. */
  isSuppressed(email: string): boolean;
  /** Every fingerprint, to store wherever the sender keeps its own records. */
  readonly fingerprints: ReadonlySet<string>;
}

export function createSuppressionList(options: { key: string | Uint8Array; fingerprints?: Iterable<string> }): SuppressionList {
  const fingerprints = new Set(options.fingerprints ?? []);
  for (const fingerprint of fingerprints) {
    if (!/^hmac-sha256:[0-9a-f]{64}$/.test(fingerprint)) {
      throw new ValidationError([{ path: 'fingerprints', reason: `${fingerprint.slice(0, 20)}… is not a suppression fingerprint` }]);
    }
  }
  return {
    add(email) {
      const fingerprint = suppressionFingerprint(email, options.key);
      fingerprints.add(fingerprint);
      return fingerprint;
    },
    isSuppressed(email) {
      return fingerprints.has(suppressionFingerprint(email, options.key));
    },
    fingerprints,
  };
}
