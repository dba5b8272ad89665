import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkPayload, embedPayload, encodeTimelineEntry, extractPayload, joinChunks, parseChunk, ValidationError } from '../src/index';
import { seededRandomBytes, trailArbitrary, UNICODE_SAMPLES } from './arbitraries';

function validationErrorOf(action: () => unknown): ValidationError | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw new Error(`expected a ValidationError, got ${String(error)}`, { cause: error });
    return error;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormed = (text: string) => !LONE_SURROGATE.test(text);

/** Any payload: Unicode text, JSON of stored events, long strings. */
const payloadArbitrary = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }).filter(wellFormed),
  trailArbitrary({ minEvents: 1, maxEvents: 2 }).map((trail) => encodeTimelineEntry(trail.events[0]!).payload),
  fc.array(fc.constantFrom(...UNICODE_SAMPLES), { maxLength: 20 }).map((parts) => parts.join('\n')),
);

/** Text a note may hold before the marker, including text that quotes a marker. */
const noteTextArbitrary = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom('', 'Consent given: newsletter (email)\nDate: 2012-09-19', 'see optintrail:v1:AAAA in the docs', 'optintrail:v1:notapayload:1/2:xyz'),
);

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** What CRMs and rich-text editors do to a note body. */
const htmlWrappings: Array<[string, (body: string) => string]> = [
  ['as is', (body) => body],
  ['paragraph per line', (body) => body.split('\n').map((line) => `<p>${escapeHtml(line)}</p>`).join('')],
  ['br for newlines', (body) => `<div style="font-family: Arial">${escapeHtml(body).replace(/\n/g, '<br>')}</div>`],
  ['br self-closing, CRLF', (body) => escapeHtml(body).replace(/\n/g, '<br />\r\n')],
  ['colons as entities', (body) => `<p>${escapeHtml(body).replace(/:/g, '&#58;').replace(/\n/g, '</p><p>')}</p>`],
  ['hex entities and nbsp', (body) => escapeHtml(body).replace(/:/g, '&#x3A;').replace(/ /g, '&nbsp;').replace(/\n/g, '<br>')],
  ['zero-width and soft hyphens in the marker', (body) => body.replace(/optintrail:v1:([A-Za-z0-9_-]{10})/g, 'optin\u200btrail:v1:$1\u00ad')],
  ['wrapped in a span with the next paragraph glued', (body) => `<p><span>${escapeHtml(body)}</span></p><p>Added later by a colleague</p>`],
];

describe('embedPayload / extractPayload', () => {
  it('finds the exact payload again, even after HTML wrapping', () => {
    fc.assert(
      fc.property(noteTextArbitrary, payloadArbitrary, fc.constantFrom(...htmlWrappings), (text, payload, [, wrap]) => {
        expect(extractPayload(wrap(embedPayload(text, payload)))).toBe(payload);
      }),
      { numRuns: 400 },
    );
  });

  it('puts the marker on its own line after the readable text, in characters no editor escapes', () => {
    const body = embedPayload('Consent given: newsletter (email)', '{"id":"x"}');
    const lines = body.split('\n');
    expect(lines[0]).toBe('Consent given: newsletter (email)');
    expect(lines.at(-1)).toMatch(/^optintrail:v1:[A-Za-z0-9_-]+$/);
    expect(embedPayload('', 'p')).toMatch(/^optintrail:v1:[A-Za-z0-9_-]+$/);
  });

  it('does not take plain-text comparisons for HTML tags', () => {
    const body = embedPayload('Score < 5 and a <b unclosed bracket', 'the payload');
    expect(extractPayload(body)).toBe('the payload');
    expect(extractPayload(`${body}</p><p>footer > here</p>`)).toBe('the payload');
  });

  it('returns undefined for a body without a marker', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        fc.pre(!text.includes('optintrail:v1:'));
        expect(extractPayload(text)).toBeUndefined();
      }),
    );
    expect(extractPayload('<p>Called the customer, they want the brochure.</p>')).toBeUndefined();
  });

  it('throws ValidationError for a damaged marker, never another error', () => {
    const body = embedPayload('text', 'a payload long enough to be compressed into several characters');
    const cut = body.slice(0, -6);
    expect(validationErrorOf(() => extractPayload(cut))).toBeDefined();
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,60}$/), (data) => {
        try {
          const result = extractPayload(`note\noptintrail:v1:${data}`);
          expect(typeof result).toBe('string');
        } catch (error) {
          expect(ValidationError.isInstance(error)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a payload with a lone surrogate (it could not come back the same)', () => {
    expect(validationErrorOf(() => embedPayload('', 'a\ud800b'))?.path).toBe('payload');
  });
});

describe('chunkPayload / joinChunks', () => {
  const shuffled = <T>(items: T[]) => fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length });

  it('splits into chunks of at most maxChars that join back in any order', () => {
    fc.assert(
      fc.property(
        payloadArbitrary,
        fc.integer({ min: 80, max: 1200 }),
        (payload, maxChars) => {
          const chunks = chunkPayload(payload, maxChars);
          for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(maxChars);
          chunks.forEach((chunk, index) => expect(parseChunk(chunk)).toMatchObject({ index: index + 1, count: chunks.length }));
          fc.assert(
            fc.property(shuffled(chunks), (order) => {
              expect(joinChunks(order)).toBe(payload);
            }),
            { numRuns: 5 },
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fits Mailchimp notes of 1,000 characters and keys chunks by event id', () => {
    // Random text does not compress, so it takes several notes.
    const wording = Buffer.from(seededRandomBytes(3)(1500)).toString('base64');
    const payload = JSON.stringify({ id: '0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', proof: { wording } });
    const chunks = chunkPayload(payload, 1000);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(1000);
      expect(chunk).toMatch(/^optintrail:v1:0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b:\d+\/\d+:/);
    }
    expect(joinChunks([...chunks].reverse())).toBe(payload);
    expect(chunkPayload(payload, 100_000)).toHaveLength(1);
  });

  it('reads chunks out of note bodies, HTML-wrapped or not', () => {
    const payload = Buffer.from(seededRandomBytes(5)(1200)).toString('hex') + UNICODE_SAMPLES.join('');
    const bodies = chunkPayload(payload, 300).map((chunk, index) => `<p>OptinTrail event, part ${index + 1}</p><p>${chunk}</p>`);
    expect(joinChunks(bodies)).toBe(payload);
  });

  it('tolerates a chunk written twice, refuses missing, conflicting, mixed or foreign chunks', () => {
    const payload = JSON.stringify({ id: 'event-a', text: Buffer.from(seededRandomBytes(6)(300)).toString('hex') + UNICODE_SAMPLES.join('') });
    const chunks = chunkPayload(payload, 120);
    expect(chunks.length).toBeGreaterThan(2);
    expect(joinChunks([...chunks, chunks[0]!])).toBe(payload);
    expect(validationErrorOf(() => joinChunks(chunks.slice(1)))?.reason).toMatch(/missing chunk 1 of/);
    const conflicting = chunks[1]!.replace(/:([A-Za-z0-9_-])([A-Za-z0-9_-]*)$/, (_, first: string, rest: string) => `:${first === 'A' ? 'B' : 'A'}${rest}`);
    expect(validationErrorOf(() => joinChunks([...chunks, conflicting]))?.reason).toMatch(/two different chunks/);
    const other = chunkPayload(JSON.stringify({ id: 'event-b' }), 120);
    expect(validationErrorOf(() => joinChunks([...chunks, ...other]))?.reason).toMatch(/more than one payload/);
    expect(validationErrorOf(() => joinChunks([]))).toBeDefined();
    expect(validationErrorOf(() => joinChunks(['hello']))?.reason).toMatch(/no OptinTrail chunk/);
    expect(validationErrorOf(() => joinChunks(['optintrail:v1:k:3/2:AAAA']))?.reason).toMatch(/out of range/);
  });

  it('throws ValidationError for chunks that are garbage or were altered, never another error', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.stringMatching(/^optintrail:v1:[a-z]{1,3}:[1-3]\/[1-3]:[A-Za-z0-9_-]{1,20}$/)), { maxLength: 4 }), (texts) => {
        try {
          expect(typeof joinChunks(texts)).toBe('string');
        } catch (error) {
          expect(ValidationError.isInstance(error)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('says so when maxChars leaves no room for data', () => {
    expect(validationErrorOf(() => chunkPayload('payload', 20))?.path).toBe('maxChars');
    expect(validationErrorOf(() => chunkPayload('payload', Number.NaN))?.path).toBe('maxChars');
  });
});
