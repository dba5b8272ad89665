import { Signature } from '@hubspot/api-client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHubSpotWebhookVerifier, hubSpotSignatureV3, hubSpotSignedUri } from '../src/index';

describe('HubSpot v3 signatures', () => {
  it('match the official SDK (Signature.getSignature, v3) for any body, URL and timestamp', () => {
    fc.assert(
      fc.property(fc.string(), fc.webUrl(), fc.integer({ min: 0, max: 2 ** 42 }), fc.string({ minLength: 1 }), (body, url, timestamp, clientSecret) => {
        const sdk = Signature.getSignature('POST', 'v3', { clientSecret, requestBody: body, url, timestamp, signature: '' });
        // Our URI decoding leaves URLs without those escapes untouched, so both must agree.
        fc.pre(hubSpotSignedUri(url) === url);
        expect(hubSpotSignatureV3({ clientSecret, method: 'POST', uri: url, body, timestamp })).toBe(sdk);
      }),
    );
  });

  it('decodes the escapes HubSpot decodes before signing, and only those', () => {
    expect(hubSpotSignedUri('https://example.com/hook?a=%3A%2f%3F%40%21%24%27%28%29%2A%2C%3B&b=%20%25')).toBe("https://example.com/hook?a=:/?@!$'()*,;&b=%20%25");
  });

  it('refuses a timestamp five minutes and one millisecond old, accepts one exactly five minutes old', async () => {
    const verify = createHubSpotWebhookVerifier({ clientSecret: 'secret' });
    const receivedAt = 1_700_000_000_000;
    const delivery = (timestamp: number) => {
      const body = '[]';
      const url = new URL('https://hooks.example.com/hubspot');
      const headers = new Headers({ 'x-hubspot-request-timestamp': String(timestamp), 'x-hubspot-signature-v3': hubSpotSignatureV3({ clientSecret: 'secret', method: 'POST', uri: url.href, body, timestamp }) });
      return { method: 'POST', url, headers, body: new TextEncoder().encode(body), text: body, receivedAt };
    };
    expect(await verify(delivery(receivedAt - 300_000))).toEqual({ ok: true });
    expect(await verify(delivery(receivedAt - 300_001))).toMatchObject({ ok: false, status: 401 });
  });
});
