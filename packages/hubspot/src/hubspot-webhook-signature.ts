import { isFreshTimestamp, timingSafeEqualText, type WebhookDelivery, type WebhookVerifier } from '@optintrail/core';
import { createHmac } from 'node:crypto';

/** HubSpot rejects nothing itself: receivers refuse signatures older than this (`Signature.MAX_ALLOWED_TIMESTAMP` in the SDK). */
export const HUBSPOT_SIGNATURE_MAX_AGE_MS = 300_000;

/**
 * Characters HubSpot decodes in the request URI before signing (v3), as listed in its "Validating
 * requests" guide. [R] Read from the guide's table as we remember it; the other percent-escapes stay.
 */
const DECODED_IN_URI: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

/** The URI as HubSpot puts it in the signed string. */
export function hubSpotSignedUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => DECODED_IN_URI[escape.toUpperCase()] ?? escape);
}

/**
 * The v3 signature: base64(HMAC-SHA256(clientSecret, method + uri + body + timestamp)), as
 * `Signature.getSignature` of @hubspot/api-client computes it (src/utils/signature.ts).
 */
export function hubSpotSignatureV3(input: { clientSecret: string; method: string; uri: string; body: string; timestamp: number | string }): string {
  return createHmac('sha256', input.clientSecret)
    .update(`${input.method.toUpperCase()}${hubSpotSignedUri(input.uri)}${input.body}${input.timestamp}`, 'utf8')
    .digest('base64');
}

/** Settings of `createHubSpotWebhookVerifier`. */
export interface HubSpotWebhookVerifierSettings {
  /** The app's client secret (private apps: the client secret shown with the webhook settings). */
  clientSecret: string;
  /** Oldest accepted `X-HubSpot-Request-Timestamp`, in ms. Default 5 minutes. */
  maxAgeMs?: number;
  /**
   * The URL HubSpot called, when it differs from the one the request arrived on (a proxy that
   * rewrites paths). Default: the delivery's URL (set the public origin in `toNodeListener`).
   */
  publicUrl?: (delivery: WebhookDelivery) => string;
}

/**
 * Verifies `X-HubSpot-Signature-v3` in constant time and refuses timestamps more than five minutes
 * away from the receiver's clock (replays). A missing or wrong signature answers 401; nothing is
 * parsed before it passes.
 */
export function createHubSpotWebhookVerifier(settings: HubSpotWebhookVerifierSettings): WebhookVerifier {
  if (!settings.clientSecret) throw new Error('HubSpot webhook verifier: clientSecret is required (the app client secret HubSpot signs deliveries with).');
  const maxAgeMs = settings.maxAgeMs ?? HUBSPOT_SIGNATURE_MAX_AGE_MS;
  return (delivery) => {
    const signature = delivery.headers.get('x-hubspot-signature-v3');
    const timestampText = delivery.headers.get('x-hubspot-request-timestamp');
    if (!signature || !timestampText) return { ok: false, status: 401, reason: 'X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp are required' };
    const timestamp = /^\d{1,16}$/.test(timestampText) ? Number(timestampText) : Number.NaN;
    if (!isFreshTimestamp(timestamp, delivery.receivedAt, maxAgeMs)) return { ok: false, status: 401, reason: 'the request timestamp is more than 5 minutes away from now (replayed or forged)' };
    const expected = hubSpotSignatureV3({
      clientSecret: settings.clientSecret,
      method: delivery.method,
      uri: settings.publicUrl ? settings.publicUrl(delivery) : delivery.url.href,
      body: delivery.text,
      timestamp: timestampText,
    });
    if (!timingSafeEqualText(expected, signature.trim())) return { ok: false, status: 401, reason: 'the signature does not match' };
    return { ok: true };
  };
}
