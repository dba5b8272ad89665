import { isFreshTimestamp, timingSafeEqualText, type WebhookVerifier } from '@optintrail/core';
import { createHmac } from 'node:crypto';

/** Deliveries signed more than five minutes away from now are refused (MC-docs api-concepts/webhooks.mdx). */
export const MAILCHIMP_SIGNATURE_MAX_AGE_MS = 300_000;

/** hex(HMAC-SHA256(signingSecret, "{timestamp}.{raw body}")), the `v1` of `X-Mailchimp-Signature`. */
export function mailchimpWebhookSignature(signingSecret: string, timestamp: number | string, body: string): string {
  return createHmac('sha256', signingSecret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** How a Mailchimp delivery proves it comes from Mailchimp. At least one of the two is required. */
export interface MailchimpWebhookVerifierSettings {
  /**
   * The signing secret(s) Mailchimp showed when each webhook was created (one per webhook: one for
   * subscriber changes, one for admin changes when `registerMailchimpWebhooks` made two). When set,
   * `X-Mailchimp-Signature` is required and checked in constant time.
   */
  signingSecrets?: string | readonly string[];
  /**
   * For webhooks created before Mailchimp signed deliveries: a hard-to-guess token that is part of
   * the callback URL, as `?token=<token>` or its last path segment. Checked in constant time.
   */
  pathToken?: string;
  /** Oldest accepted signature timestamp, in ms. Default 5 minutes. */
  maxAgeMs?: number;
}

/**
 * Verifies a Mailchimp delivery: the HMAC signature when secrets are configured (400 when it is
 * missing, malformed, stale or wrong, as Mailchimp's samples answer), else the secret token in the
 * URL (401). Throws when neither is configured: an endpoint anyone can post to is not accepted.
 */
export function createMailchimpWebhookVerifier(settings: MailchimpWebhookVerifierSettings): WebhookVerifier {
  const secrets = (typeof settings.signingSecrets === 'string' ? [settings.signingSecrets] : [...(settings.signingSecrets ?? [])]).filter((secret) => secret !== '');
  const token = settings.pathToken;
  if (secrets.length === 0 && !token) {
    throw new Error('Mailchimp webhook verifier: set signingSecrets (shown when the webhook is created) or a pathToken that is part of the callback URL.');
  }
  const maxAgeMs = settings.maxAgeMs ?? MAILCHIMP_SIGNATURE_MAX_AGE_MS;
  return (delivery) => {
    if (secrets.length > 0) {
      const header = delivery.headers.get('x-mailchimp-signature') ?? '';
      const timestampText = /(?:^|,)\s*t=(\d{1,12})\s*(?:,|$)/.exec(header)?.[1];
      const signature = /(?:^|,)\s*v1=([0-9a-f]{64})\s*(?:,|$)/.exec(header)?.[1];
      if (!timestampText || !signature) return { ok: false, status: 400, reason: 'X-Mailchimp-Signature (t=…,v1=…) is missing or malformed' };
      if (!isFreshTimestamp(Number(timestampText) * 1000, delivery.receivedAt, maxAgeMs)) return { ok: false, status: 400, reason: 'the signature timestamp is more than 5 minutes away from now (replayed or forged)' };
      // Every secret is tried, so the time taken does not say which webhook a signature was made for.
      let matched = false;
      for (const secret of secrets) if (timingSafeEqualText(mailchimpWebhookSignature(secret, timestampText, delivery.text), signature)) matched = true;
      return matched ? { ok: true } : { ok: false, status: 400, reason: 'the signature does not match' };
    }
    const given = delivery.url.searchParams.get('token') ?? delivery.url.pathname.split('/').filter(Boolean).at(-1) ?? '';
    return timingSafeEqualText(token!, given) ? { ok: true } : { ok: false, status: 401, reason: 'the callback URL does not carry the secret token' };
  };
}
