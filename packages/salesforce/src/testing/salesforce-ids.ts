/**
 * Salesforce record ids: 15 case-sensitive base-62 characters (3-character key prefix naming the
 * object, then pod and sequence), usually sent as 18 characters whose 3-character suffix encodes
 * the case of the first 15 so the id survives case-insensitive tools.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character case-encoding suffix of a 15-character id. */
export function salesforceIdSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let position = 0; position < 5; position += 1) {
      const character = id15.charAt(chunk * 5 + position);
      if (character >= 'A' && character <= 'Z') bits |= 1 << position;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

/** Builds an 18-character id from a key prefix and a sequence number (pod "5g" like a real org). */
export function buildSalesforceId(keyPrefix: string, sequence: number): string {
  let digits = '';
  let rest = sequence;
  for (let index = 0; index < 9; index += 1) {
    digits = BASE62.charAt(rest % 62) + digits;
    rest = Math.floor(rest / 62);
  }
  const id15 = `${keyPrefix}5g0${digits}`.slice(0, 15);
  return id15 + salesforceIdSuffix(id15);
}

/**
 * The 18-character form of a 15- or 18-character id, or `null` when it is not a well-formed id
 * (wrong length, characters outside base 62, or an 18-character id whose suffix does not match).
 */
export function normalizeSalesforceId(value: string): string | null {
  if (!/^[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?$/.test(value)) return null;
  const id15 = value.slice(0, 15);
  const suffix = salesforceIdSuffix(id15);
  if (value.length === 18 && value.slice(15).toUpperCase() !== suffix) return null;
  return id15 + suffix;
}

/** Looks like an id at all (15 or 18 base-62 characters)? Used to tell ids from external-id field names in paths. */
export function looksLikeSalesforceId(value: string): boolean {
  return /^[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?$/.test(value) && /\d/.test(value.slice(0, 3));
}
