import { inflateRawSync } from 'node:zlib';
import { deflateSmall } from './small-deflate';
import { ValidationError } from '../errors';
import { sha256Hex } from '../trail/canonical-json';
import { isWellFormedText } from './utf8-budget';

/**
 * Machine payloads inside human-readable CRM text (note bodies, descriptions).
 *
 * A payload is carried as `optintrail:v1:<data>`, where `<data>` is base64url of the raw DEFLATE of its
 * UTF-8: no spaces, no HTML-special characters, nothing a rich-text editor escapes or wraps, and a
 * cut or altered value fails to decompress instead of giving something else. A payload too long for
 * one note is split into chunks `optintrail:v1:<key>:<i>/<n>:<data part>` (key: the event id), which
 * can be read back in any order.
 */
export const PAYLOAD_MARKER = 'optintrail:v1:';

const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// The last one wins: the marker is appended after the readable text, which may quote anything.
const EMBEDDED = /optintrail:v1:([A-Za-z0-9_-]+)(?![A-Za-z0-9_:-])/g;
const CHUNK = /optintrail:v1:([A-Za-z0-9_-]{1,64}):(\d{1,6})\/(\d{1,6}):([A-Za-z0-9_-]+)/g;

/** `text` followed, on its own line, by the marker carrying `payload`. */
export function embedPayload(text: string, payload: string): string {
  const marker = `${PAYLOAD_MARKER}${packPayload(payload)}`;
  return text.length > 0 ? `${text}\n\n${marker}` : marker;
}

/**
 * The payload embedded in `body` by `embedPayload`, or undefined when `body` carries none.
 * Tolerates what CRMs do to note bodies: HTML wrapping (`<p>`, `<br>`, `<div>`), entity-escaped text,
 * soft hyphens and zero-width spaces. Throws `ValidationError` when a marker is there but damaged.
 */
export function extractPayload(body: string): string | undefined {
  const match = lastMatch(body, EMBEDDED);
  return match ? unpackPayload(match[1]!, 'body') : undefined;
}

/** The last match in the text a reader sees, or else in the raw body (plain text that merely looks like HTML). */
function lastMatch(body: string, pattern: RegExp): RegExpMatchArray | undefined {
  if (typeof body !== 'string') return undefined;
  return [...plainText(body).matchAll(pattern)].at(-1) ?? [...body.matchAll(pattern)].at(-1);
}

/**
 * Splits `payload` into ordered, self-describing chunks of at most `maxChars` characters each
 * (`optintrail:v1:<key>:<i>/<n>:<data>`), e.g. for Mailchimp notes of 1,000 characters. The key is
 * the event id when the payload is a stored event, else a digest of the payload.
 */
export function chunkPayload(payload: string, maxChars: number): string[] {
  const data = packPayload(payload);
  const key = chunkKey(payload);
  // More chunks mean longer headers and less room each: find the count that agrees with itself.
  // needed(count) never decreases and never passes that count, so jumping to it is safe.
  let count = 1;
  for (;;) {
    const header = (index: number) => `${PAYLOAD_MARKER}${key}:${index}/${count}:`;
    // The last header has the most digits, so it sets the room left for data in every chunk.
    const room = maxChars - header(count).length;
    if (!(room >= 1)) {
      throw new ValidationError([{ path: 'maxChars', reason: `must leave room for data after a ${header(count).length}-character header` }], 'Cannot chunk payload');
    }
    const needed = Math.ceil(data.length / room);
    if (needed <= count) {
      return Array.from({ length: count }, (_, index) => `${header(index + 1)}${data.slice(index * room, (index + 1) * room)}`);
    }
    count = needed;
  }
}

/** One chunk found in a text, as `chunkPayload` wrote it. */
export interface PayloadChunk {
  /** Groups the chunks of one payload (the event id, or a digest). */
  key: string;
  /** 1-based position. */
  index: number;
  /** How many chunks the payload has. */
  count: number;
  data: string;
}

/** The chunk carried by a text (a chunk itself, or a note body holding one), or undefined. Tolerates HTML like `extractPayload`. */
export function parseChunk(text: string): PayloadChunk | undefined {
  const match = lastMatch(text, CHUNK);
  if (!match) return undefined;
  return { key: match[1]!, index: Number(match[2]), count: Number(match[3]), data: match[4]! };
}

/**
 * Reassembles a payload from its chunks, given in any order (identical duplicates are tolerated, as
 * a re-run may have written a note twice). Throws `ValidationError` when chunks are missing,
 * conflicting, from more than one payload, or damaged.
 */
export function joinChunks(chunks: readonly string[]): string {
  const fail = (reason: string) => new ValidationError([{ path: 'chunks', reason }], 'Cannot join payload chunks');
  const parsed = chunks.map((text, position) => {
    const chunk = parseChunk(text);
    if (!chunk) throw fail(`item ${position} holds no OptinTrail chunk`);
    return chunk;
  });
  const first = parsed[0];
  if (!first) throw fail('no chunks given');
  const parts = new Map<number, string>();
  for (const chunk of parsed) {
    if (chunk.key !== first.key) throw fail(`chunks of more than one payload (${first.key} and ${chunk.key}); group them by key first`);
    if (chunk.count !== first.count) throw fail(`chunks disagree on their count (${first.count} and ${chunk.count})`);
    if (chunk.index < 1 || chunk.index > chunk.count) throw fail(`chunk ${chunk.index}/${chunk.count} is out of range`);
    const existing = parts.get(chunk.index);
    if (existing !== undefined && existing !== chunk.data) throw fail(`two different chunks ${chunk.index}/${chunk.count}`);
    parts.set(chunk.index, chunk.data);
  }
  const missing = Array.from({ length: first.count }, (_, index) => index + 1).filter((index) => !parts.has(index));
  if (missing.length > 0) throw fail(`missing chunk${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).join(', ')} of ${first.count}`);
  const data = Array.from({ length: first.count }, (_, index) => parts.get(index + 1)!).join('');
  return unpackPayload(data, 'chunks');
}

function packPayload(payload: string): string {
  if (typeof payload !== 'string' || !isWellFormedText(payload)) {
    throw new ValidationError([{ path: 'payload', reason: 'must be a well-formed string (no lone surrogates)' }], 'Cannot embed payload');
  }
  return deflateSmall(Buffer.from(payload, 'utf8')).toString('base64url');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function unpackPayload(data: string, path: string): string {
  const bytes = BASE64URL.test(data) ? Buffer.from(data, 'base64url') : undefined;
  if (!bytes || bytes.toString('base64url') !== data) throw new ValidationError([{ path, reason: 'the OptinTrail payload is not valid base64url (it was cut or altered)' }], 'Damaged payload');
  try {
    return strictUtf8.decode(inflateRawSync(bytes, { maxOutputLength: MAX_PAYLOAD_BYTES }));
  } catch {
    throw new ValidationError([{ path, reason: 'the OptinTrail payload does not decompress (it was cut or altered)' }], 'Damaged payload');
  }
}

function chunkKey(payload: string): string {
  try {
    const id = (JSON.parse(payload) as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(id)) return id;
  } catch {
    // Not JSON: fall back to a digest.
  }
  return sha256Hex(payload).slice(0, 32);
}

// A tag starts with a letter (or `/` and a letter) and holds no `<`: "price < 5" in plain text is not one.
const BLOCK_TAG = /<\/?(?:br|p|div|li|tr|h[1-6]|pre|blockquote)\b[^<>]*>/gi;
const ANY_TAG = /<\/?[A-Za-z][^<>]*>/g;
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', colon: ':', sol: '/', lowbar: '_', hyphen: '-', dash: '-' };

/** The text a reader sees in an HTML (or plain) body: tags turned into line breaks or dropped, entities decoded. */
export function plainText(body: string): string {
  if (typeof body !== 'string') return '';
  return body
    .replace(BLOCK_TAG, '\n')
    .replace(ANY_TAG, '')
    .replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});/gi, (entity, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
        return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
      }
      return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(INVISIBLE, '');
}
