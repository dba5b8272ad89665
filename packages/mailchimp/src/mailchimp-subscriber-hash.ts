import { createHash } from 'node:crypto';

/**
 * Mailchimp's member id: the MD5 hex digest of the lower-cased email address. Every
 * `/lists/{list_id}/members/{subscriber_hash}` path takes it; the caller computes it.
 */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase(), 'utf8').digest('hex');
}
