import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailchimpClient } from '../src/mailchimp-client';
import { subscriberHash } from '../src/mailchimp-subscriber-hash';
import { truncateToUtf8Bytes, utf8ByteLength } from '../src/mailchimp-text-budget';
import { startMailchimpEmulator, type MailchimpEmulator } from '../src/testing';

describe('truncateToUtf8Bytes', () => {
  it('returns the longest whole-character prefix within the byte budget', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 0, max: 400 }), (text, maxBytes) => {
        const cut = truncateToUtf8Bytes(text, maxBytes);
        expect(text.startsWith(cut)).toBe(true);
        expect(utf8ByteLength(cut)).toBeLessThanOrEqual(maxBytes);
        if (cut !== text) {
          const next = String.fromCodePoint(text.slice(cut.length).codePointAt(0)!);
          expect(utf8ByteLength(cut) + utf8ByteLength(next)).toBeGreaterThan(maxBytes);
        }
      }),
    );
  });
});

describe('emulated text merge fields', () => {
  let emulator: MailchimpEmulator;
  beforeAll(async () => {
    emulator = await startMailchimpEmulator();
  });
  afterAll(() => emulator.close());

  it('store exactly what truncateToUtf8Bytes(value, 255) predicts', async () => {
    const listId = emulator.createList();
    const client = createMailchimpClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }), async (text) => {
        const member = await client.lists.setListMember(listId, subscriberHash('prop@example.com'), {
          email_address: 'prop@example.com',
          status_if_new: 'subscribed',
          merge_fields: { FNAME: text },
        });
        expect(member.merge_fields.FNAME).toBe(truncateToUtf8Bytes(text, 255));
      }),
      { numRuns: 40 },
    );
  });
});
