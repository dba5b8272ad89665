/**
 * Making values that came from data safe to place inside a reminder sentence.
 * Templates are trusted and left as written; only the values put into them pass through here.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes the five characters that can open markup or close an attribute: & < > " '. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

// LRE RLE PDF LRO RLO, LRI RLI FSI PDI, LRM RLM ALM.
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;
// Hebrew, Arabic, Syriac, Thaana, NKo... and their presentation forms: text that flips the direction around it.
const STRONG_RIGHT_TO_LEFT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]|\ud802[\udc00-\udfff]|\ud803[\udc00-\udfff]|\ud83a[\udc00-\udfff]/;

const FIRST_STRONG_ISOLATE = '\u2068';
const POP_DIRECTIONAL_ISOLATE = '\u2069';

/**
 * Flattens a data value to one line: any run of whitespace (newlines included) becomes one space
 * and other control characters go, so a value cannot add lines to a footer or an address block.
 */
export function flattenWhitespace(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Balances the isolates inside a value: drops closers (PDI) that close nothing opened inside it,
 * which would end the isolate we wrap the value in and let an override spill onto the rest of the
 * sentence, and closes openers (LRI, RLI, FSI) left open, which would swallow the rest.
 */
export function balanceIsolates(value: string): string {
  let open = 0;
  let result = '';
  for (const character of value) {
    if (character === '\u2066' || character === '\u2067' || character === '\u2068') open += 1;
    if (character === POP_DIRECTIONAL_ISOLATE) {
      if (open === 0) continue;
      open -= 1;
    }
    result += character;
  }
  return result + POP_DIRECTIONAL_ISOLATE.repeat(open);
}

/** True when the value could change the direction of the text around it. */
export function needsDirectionalIsolation(value: string): boolean {
  return BIDI_CONTROL.test(value) || STRONG_RIGHT_TO_LEFT.test(value);
}

/**
 * A data value for an HTML sentence: escaped and wrapped in `<bdi>`, which isolates its direction
 * (an RLO U+202E inside a name reverses the name at most, never the sentence).
 */
export function htmlDataValue(value: string): string {
  return `<bdi>${escapeHtml(balanceIsolates(flattenWhitespace(value)))}</bdi>`;
}

/**
 * A data value for a plain-text sentence: flattened, and wrapped in Unicode isolates (FSI … PDI,
 * the plain-text twin of `<bdi>`) when it holds right-to-left text or bidi controls. Plain values
 * such as "Salon E-commerce Paris" come back unchanged.
 */
export function textDataValue(value: string): string {
  const flat = flattenWhitespace(value);
  if (!needsDirectionalIsolation(flat)) return flat;
  return `${FIRST_STRONG_ISOLATE}${balanceIsolates(flat)}${POP_DIRECTIONAL_ISOLATE}`;
}
