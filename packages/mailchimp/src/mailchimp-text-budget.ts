/**
 * Mailchimp stores text merge fields as "a string, truncated to 255 bytes": bytes of UTF-8,
 * not characters, and silently. Anything that must survive a round trip has to fit itself.
 */
export const MAILCHIMP_TEXT_FIELD_MAX_BYTES = 255;

/** Member notes are "limited to 1,000 characters" (counted as UTF-16 code units here, as JavaScript does). */
export const MAILCHIMP_NOTE_MAX_CHARACTERS = 1000;

/** UTF-8 length of a string. */
export function utf8ByteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Cuts `text` to at most `maxBytes` bytes of UTF-8 without splitting a character (a surrogate
 * pair counts as one character). Returns the text unchanged when it already fits.
 */
export function truncateToUtf8Bytes(text: string, maxBytes: number): string {
  if (utf8ByteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    const size = utf8ByteLength(character);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += character.length;
  }
  return text.slice(0, end);
}
