/**
 * CRM text fields are limited in bytes of UTF-8, not in characters (Mailchimp cuts text merge fields
 * at 255 bytes, silently). Everything the codec writes fits its budget itself, cut on a boundary a
 * reader sees as one character, so a truncated value never ends in a broken emoji or accent.
 */

/** Length of `text` in bytes of UTF-8 (a lone surrogate counts as the 3-byte U+FFFD it becomes). */
export function utf8ByteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The ellipsis appended to a truncated value (3 bytes of UTF-8). */
export const ELLIPSIS = '…';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * `text` cut to at most `maxBytes` bytes of UTF-8, on a grapheme boundary (never inside a multi-byte
 * character, a surrogate pair, an emoji sequence or a letter with its accents), ending with `…` when
 * something was cut. With a budget too small for the ellipsis, the cut text is returned without it.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8ByteLength(text) <= maxBytes) return text;
  const ellipsisBytes = utf8ByteLength(ELLIPSIS);
  const withEllipsis = maxBytes >= ellipsisBytes;
  const room = withEllipsis ? maxBytes - ellipsisBytes : Math.max(0, maxBytes);
  // Every UTF-16 code unit takes at least one byte, so the kept part lies within the first `room` units.
  // One more unit lets the segmenter see whether the last grapheme goes on past the window.
  const window = text.slice(0, room + 1);
  let kept = '';
  let used = 0;
  for (const { segment, index } of graphemes.segment(window)) {
    if (index + segment.length >= window.length && window.length < text.length) break;
    const size = utf8ByteLength(segment);
    if (used + size > room) break;
    kept += segment;
    used += size;
  }
  return withEllipsis ? `${kept.trimEnd()}${ELLIPSIS}` : kept;
}

/** True when `text` has no lone surrogate, so its UTF-8 form decodes back to the same string. */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
