import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { truncateUtf8, utf8ByteLength } from '../src/index';
import { UNICODE_SAMPLES } from './arbitraries';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const graphemes = (text: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((item) => item.segment);

const textArbitrary = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fc.constantFrom(...UNICODE_SAMPLES), { maxLength: 6 }).map((parts) => parts.join(' ')),
);

describe('truncateUtf8', () => {
  it('fits the byte budget, keeps whole graphemes of the original and marks the cut with an ellipsis', () => {
    fc.assert(
      fc.property(textArbitrary, fc.integer({ min: 0, max: 300 }), (text, maxBytes) => {
        const result = truncateUtf8(text, maxBytes);
        expect(utf8ByteLength(result)).toBeLessThanOrEqual(maxBytes);
        if (utf8ByteLength(text) <= maxBytes) {
          expect(result).toBe(text);
          return;
        }
        const kept = maxBytes >= 3 ? result.slice(0, -1) : result;
        if (maxBytes >= 3) expect(result.endsWith('…')).toBe(true);
        expect(text.startsWith(kept)).toBe(true);
        // The kept part ends on a grapheme boundary of the original text.
        const boundaries = new Set([0]);
        let offset = 0;
        for (const segment of graphemes(text)) boundaries.add((offset += segment.length));
        expect(boundaries.has(kept.length)).toBe(true);
        // Unless the original already had one, no lone surrogate is created by the cut.
        if (!LONE_SURROGATE.test(text)) expect(LONE_SURROGATE.test(result)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('never splits an emoji sequence, a flag or a letter from its accent', () => {
    const family = '👩‍👩‍👧‍👦'; // 25 bytes
    expect(truncateUtf8(`ab${family}cd`, 20)).toBe('ab…');
    expect(truncateUtf8('🇫🇷🇩🇪', 10)).toBe('…'); // a flag is 8 bytes: it fits whole or not at all
    expect(truncateUtf8('🇫🇷🇩🇪', 11)).toBe('🇫🇷…');
    expect(truncateUtf8('e\u0301e\u0301e\u0301', 6)).toBe('e\u0301…');
    expect(truncateUtf8('日本語テキスト', 10)).toBe('日本…');
  });

  it('counts bytes of UTF-8, not characters', () => {
    expect(utf8ByteLength('é')).toBe(2);
    expect(utf8ByteLength('€')).toBe(3);
    expect(utf8ByteLength('😀')).toBe(4);
    const text = 'é'.repeat(200); // 200 characters, 400 bytes
    const cut = truncateUtf8(text, 255);
    expect(utf8ByteLength(cut)).toBe(255);
    expect(cut).toBe(`${'é'.repeat(126)}…`);
  });

  it('drops the ellipsis only when the budget cannot hold it', () => {
    expect(truncateUtf8('abcdef', 2)).toBe('ab');
    expect(truncateUtf8('abcdef', 0)).toBe('');
    expect(truncateUtf8('abcdef', 3)).toBe('…');
    expect(truncateUtf8('abc def', 6)).toBe('abc…');
  });
});
