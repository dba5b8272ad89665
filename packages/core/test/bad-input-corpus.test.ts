/**
 * Malformed and hostile input: every case gets a `ValidationError` naming the path and the reason,
 * or is accepted as documented (hostile but printable text is data, kept as it is and escaped where
 * it is shown). Nothing else is thrown, and a rejected batch leaves the trail as it was. The push
 * side of the same corpus (through each CRM emulator) is in @optintrail/adapter-test's bad-input suite;
 * broken JSON lines in files are the CLI reader's (packages/cli/test/input/read-trails.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendEvents,
  buildTrail,
  computeEventHash,
  foldTrail,
  generateReminder,
  parseEventInput,
  parseStoredEvent,
  TrailIntegrityError,
  ValidationError,
  verifyTrail,
  type ProvenanceEventInput,
  type Trail,
} from '../src/index';
import { eventInputArbitrary, trailArbitrary } from './arbitraries';
import { seededBytes } from './fixtures';

const SUBJECT = 'camille.martin@example.fr';
const valid: ProvenanceEventInput = {
  subject: SUBJECT,
  at: '2012-09-19T09:30:00Z',
  type: 'consent.given',
  purpose: 'newsletter',
  channel: 'email',
  source: { kind: 'event', name: 'Salon E-commerce Paris', phrases: { fr: 'lors du Salon E-commerce Paris' } },
  proof: { ip: '192.0.2.44', wording: 'Je souhaite recevoir la newsletter.' },
};
const data = (fields: unknown): unknown => ({ ...valid, type: 'data.collected', purpose: undefined, channel: undefined, fields });
const named = (name: unknown): unknown => ({ ...valid, source: { kind: 'event', name } });

/** The single problem a rejected input is reported with. */
function rejection(input: unknown): { path: string; reason: string } {
  try {
    parseEventInput(input);
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw new Error(`expected a ValidationError, got ${String(error)}`);
    expect(error.message).toContain(error.path || '(root)');
    return { path: error.path, reason: error.reason };
  }
  throw new Error('expected the input to be rejected');
}

// [what is wrong, input, path of the problem, what the reason says]
const REJECTED: Array<[string, unknown, string, RegExp]> = [
  // Missing fields
  ['no subject', { ...valid, subject: undefined }, 'subject', /expected string/],
  ['no date', { ...valid, at: undefined }, 'at', /expected string/],
  ['no type', { ...valid, type: undefined }, 'type', /one of/],
  ['no source', { ...valid, source: undefined }, 'source', /expected object/],
  ['a source without a name', { ...valid, source: { kind: 'event' } }, 'source.name', /expected string/],
  ['a consent without a purpose', { ...valid, purpose: undefined }, 'purpose', /required for consent.given/],
  ['a data event without fields', data(undefined), 'fields', /required for data.collected/],
  ['a rectification without a reason', { ...(data([{ name: 'city', value: 'Lyon' }]) as object), type: 'data.rectified' }, 'reason', /required for data.rectified/],
  // Wrong types
  ['a number as subject', { ...valid, subject: 33612345678 }, 'subject', /expected string/],
  ['a Date object as date', { ...valid, at: new Date('2012-09-19T09:30:00Z') }, 'at', /expected string/],
  ['epoch seconds as date', { ...valid, at: 1348047000 }, 'at', /expected string/],
  ['a string as source', { ...valid, source: 'Salon' }, 'source', /expected object/],
  ['fields as an object', data({ city: 'Lyon' }), 'fields', /expected array/],
  ['an object as field value', data([{ name: 'city', value: { $ne: null } }]), 'fields[0].value', /Invalid input/],
  ['NaN as field value', data([{ name: 'age', value: Number.NaN }]), 'fields[0].value', /Invalid input/],
  ['Infinity as field value', data([{ name: 'age', value: Number.POSITIVE_INFINITY }]), 'fields[0].value', /Invalid input/],
  ['a boolean lawful basis', { ...valid, lawfulBasis: true }, 'lawfulBasis', /one of/],
  ['an array as actor', { ...valid, actor: ['staff'] }, 'actor', /expected object/],
  ['an unknown member', { ...valid, isAdmin: true }, '', /Unrecognized key/],
  ['a __proto__ member (prototype pollution)', JSON.parse(`{"__proto__":{"polluted":true},${JSON.stringify(valid).slice(1)}`), '', /Unrecognized key: "__proto__"/],
  ['a constructor member', { ...valid, constructor: { prototype: {} } }, '', /Unrecognized key/],
  ['an event type nobody knows', { ...valid, type: 'consent.maybe' }, 'type', /one of/],
  ['an unknown source kind', { ...valid, source: { kind: 'telepathy', name: 'x' } }, 'source.kind', /one of/],
  ['a text line instead of an object (JSON not parsed)', '{"subject": "camille.martin@example.fr", "at": ', '', /expected object, received string/],
  ['an array of events instead of one', [valid], '', /expected object, received array/],
  ['null', null, '', /expected object/],
  // Impossible dates
  ['30 February', { ...valid, at: '2023-02-30T10:00:00Z' }, 'at', /real calendar day/],
  ['29 February outside a leap year', { ...valid, at: '2023-02-29T10:00:00Z' }, 'at', /real calendar day/],
  ['month 13', { ...valid, at: '2024-13-01T10:00:00Z' }, 'at', /real calendar day/],
  ['hour 24', { ...valid, at: '2024-01-01T24:00:00Z' }, 'at', /ISO 8601/],
  ['a leap second', { ...valid, at: '2016-12-31T23:59:60Z' }, 'at', /ISO 8601/],
  ['no time zone', { ...valid, at: '2012-09-19T09:30:00' }, 'at', /time zone/],
  ['a date without a time', { ...valid, at: '2012-09-19' }, 'at', /ISO 8601/],
  ['before 1900', { ...valid, at: '1899-12-31T23:59:59Z' }, 'at', /between 1900 and 2199/],
  ['after 2199', { ...valid, at: '2200-01-01T00:00:00Z' }, 'at', /between 1900 and 2199/],
  ['words', { ...valid, at: 'yesterday at noon' }, 'at', /ISO 8601/],
  ['a double opt-in on 31 April', { ...valid, proof: { doubleOptIn: { confirmedAt: '2012-04-31T10:00:00Z' } } }, 'proof.doubleOptIn.confirmedAt', /real calendar day/],
  // Invalid emails
  ['no domain', { ...valid, subject: 'camille@' }, 'subject', /valid email/],
  ['no dot in the domain', { ...valid, subject: 'camille@localhost' }, 'subject', /valid email/],
  ['a space', { ...valid, subject: 'camille martin@example.fr' }, 'subject', /valid email/],
  ['two @', { ...valid, subject: 'camille@@example.fr' }, 'subject', /valid email/],
  ['two dots', { ...valid, subject: 'camille..martin@example.fr' }, 'subject', /valid email/],
  ['a display name', { ...valid, subject: 'Camille <camille@example.fr>' }, 'subject', /valid email/],
  ['an internationalised domain (not supported by every CRM)', { ...valid, subject: 'camille@exémple.fr' }, 'subject', /valid email/],
  ['an address with a newline (header injection)', { ...valid, subject: 'camille@example.fr\nBcc: all@example.fr' }, 'subject', /valid email/],
  ['255 characters', { ...valid, subject: `${'a'.repeat(64)}@${'b'.repeat(186)}.org` }, 'subject', /at most 254/],
  // Huge values
  ['a source name of a megabyte', named('x'.repeat(1_000_000)), 'source.name', /at most 200/],
  ['a wording over 10,000 characters', { ...valid, proof: { wording: 'w'.repeat(10_001) } }, 'proof.wording', /at most 10000/],
  ['201 fields', data(Array.from({ length: 201 }, (_, index) => ({ name: `field${index}`, value: index }))), 'fields', /<=200/],
  ['a field value over 10,000 characters', data([{ name: 'notes', value: 'n'.repeat(10_001) }]), 'fields[0].value', /at most 10000/],
  ['a user agent over 1,000 characters', { ...valid, proof: { userAgent: 'Mozilla/5.0 '.repeat(100) } }, 'proof.userAgent', /at most 1000/],
  ['a URL over 2,048 characters', { ...valid, source: { kind: 'web-form', name: 'Form', url: `https://example.org/${'a'.repeat(2048)}` } }, 'source.url', /at most 2048/],
  // Unknown locales
  ['a phrase key that is no language tag', { ...valid, source: { ...valid.source, phrases: { 'not a locale!': 'x' } } }, 'source.phrases.not a locale!', /BCP 47/],
  ['a POSIX locale (en_US)', { ...valid, source: { ...valid.source, phrases: { en_US: 'at the fair' } } }, 'source.phrases.en_US', /BCP 47/],
  // Control characters
  ['NUL in a name', named('Salon\u0000Paris'), 'source.name', /control characters/],
  ['an ANSI escape in a name (terminal injection)', named('Salon \u001b[31mPARIS\u001b[0m'), 'source.name', /control characters/],
  ['a newline in a single-line name', named('Salon\nParis'), 'source.name', /control characters/],
  ['a C1 control (NEL) in a name', named('Salon\u0085Paris'), 'source.name', /control characters/],
  ['a bell in the wording', { ...valid, proof: { wording: 'I agree\u0007' } }, 'proof.wording', /other than tab and newline/],
  ['a lone surrogate in a name (no CRM can store it as it is)', named('Salon \uD800 Paris'), 'source.name', /well-formed Unicode/],
  ['a lone low surrogate in a field value', data([{ name: 'city', value: 'Ly\uDC00on' }]), 'fields[0].value', /well-formed Unicode/],
  ['an empty name', named('   '), 'source.name', /must not be empty/],
  // Hostile URLs and addresses
  ['a javascript: URL', { ...valid, source: { kind: 'web-form', name: 'Form', url: 'javascript:alert(document.cookie)' } }, 'source.url', /http\(s\) URL/],
  ['a data: URL', { ...valid, proof: { formUrl: 'data:text/html,<script>alert(1)</script>' } }, 'proof.formUrl', /http\(s\) URL/],
  ['an IPv4 address out of range', { ...valid, proof: { ip: '256.1.1.1' } }, 'proof.ip', /IPv4 or IPv6/],
  ['an IPv6 address with a zone', { ...valid, proof: { ip: 'fe80::1%eth0' } }, 'proof.ip', /IPv4 or IPv6/],
  ['SQL in an IP', { ...valid, proof: { ip: "1.1.1.1' OR '1'='1" } }, 'proof.ip', /IPv4 or IPv6/],
  ['a field name with a path in it', data([{ name: '../../etc/passwd', value: 'x' }]), 'fields[0].name', /start with a letter/],
  ['a purpose with spaces and capitals', { ...valid, purpose: 'Newsletter; DROP TABLE' }, 'purpose', /lower-case key/],
];

describe('bad input corpus: rejected with the path and the reason', () => {
  it.each(REJECTED)('%s', (_name, input, path, reason) => {
    const problem = rejection(input);
    expect(problem.path).toBe(path);
    expect(problem.reason).toMatch(reason);
  });
});

describe('bad input corpus: accepted as documented', () => {
  const trailOf = (input: unknown) => buildTrail(SUBJECT, [input], { randomBytes: seededBytes(3) });

  it.each([
    ['HTML and script in a source name', '<script>alert("x")</script><img src=x onerror=alert(1)>'],
    ['a right-to-left override (shown as data, isolated in HTML)', '\u202Egnp.exe Salon'],
    ['right-to-left marks mixed with Hebrew and Latin', 'מבצע \u200fקיץ\u200f 2024 Salon'],
    ['Arabic with digits', 'معرض الرياض للكتاب ٢٠٢٤'],
    ['emoji sequences and flags', '👩‍👩‍👧‍👦 Famille 🇫🇷🇩🇪'],
    ['combining marks (not normalised: kept as typed)', 'e\u0301te\u0301 a\u0300 Mars'],
    ['zero-width characters and a byte order mark inside', 'Salon\u200B\uFEFF Paris\u200D'],
    ['a line separator (U+2028, not a control character)', 'Salon\u2028Paris'],
    ['SQL', "Salon'); DROP TABLE contacts;--"],
    ['a template placeholder of each CRM', '{{ contact.email }} *|EMAIL|* {!Contact.Email}'],
  ])('%s: kept byte for byte, and the chain verifies', (_name, name) => {
    const trail = trailOf(named(name));
    expect(trail.events[0]!.source.name).toBe(name);
    expect(verifyTrail(trail).valid).toBe(true);
  });

  it('escapes HTML from data in HTML output and isolates right-to-left text', () => {
    const state = foldTrail(trailOf(named('<script>alert(1)</script> \u202Eevil')));
    const result = generateReminder(state, { purpose: 'newsletter', channel: 'email', touchpoint: 'email-footer', locale: 'en', format: 'html' });
    expect(result.kind).toBe('reminder');
    const text = result.kind === 'reminder' ? result.text : '';
    expect(text).not.toContain('<script>');
    expect(text).toContain('&lt;script&gt;');
    expect(text).toMatch(/<bdi>[^<]*\u202Eevil<\/bdi>/);
  });

  it('trims white space around a name (a leading byte order mark included), nothing inside it', () => {
    expect(trailOf(named('\uFEFF  Salon  E-commerce  ')).events[0]!.source.name).toBe('Salon  E-commerce');
  });

  it('normalises an address written in capitals with spaces around it', () => {
    expect(parseEventInput({ ...valid, subject: '  Camille.MARTIN@Example.FR ' }).subject).toBe(SUBJECT);
  });

  it('accepts a language tag it has no wording for, and the reminder names the locale instead of guessing', () => {
    const state = foldTrail(trailOf({ ...valid, source: { ...valid.source, phrases: { tlh: "Qapla' Salon" } } }));
    try {
      generateReminder(state, { purpose: 'newsletter', channel: 'email', touchpoint: 'email-footer', locale: 'tlh', format: 'text' });
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as ValidationError).path).toBe('locale');
      expect((error as ValidationError).reason).toMatch(/no reminder wording/);
    }
  });
});

describe('nothing is half-applied', () => {
  it('appends none of a batch in which one event is bad, and names that event', () => {
    const trail = buildTrail(SUBJECT, [valid], { randomBytes: seededBytes(5) });
    const before = structuredClone(trail);
    const batch = [{ ...valid, at: '2013-01-01T00:00:00Z' }, { ...valid, at: '2013-02-30T00:00:00Z' }, { ...valid, subject: 'someone.else@example.fr' }];
    try {
      appendEvents(trail, batch);
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(['events[1].at', 'events[2].subject']);
    }
    expect(trail).toEqual(before);
  });
});

/** Every path inside a JSON value, objects and arrays included. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
}

function formatted(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key), '');
}

function mutate(value: unknown, path: ReadonlyArray<string | number>, replacement: unknown | typeof REMOVE): unknown {
  if (path.length === 0) return replacement === REMOVE ? undefined : replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  const [key, ...rest] = path as [string | number, ...Array<string | number>];
  if (rest.length === 0 && replacement === REMOVE) delete copy[key];
  else copy[key] = mutate(copy[key], rest, replacement);
  return copy;
}
const REMOVE = Symbol('remove');

const hostileValue = fc.oneof(
  fc.constant(REMOVE),
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom('', ' ', '\u0000', '\uD800', 'x'.repeat(20_000), '2023-02-30T00:00:00Z', 'not-an-email', '<script>', -0, Number.NaN, Number.MAX_SAFE_INTEGER + 2, null, [], {}),
);

describe('fuzzing the event schema and the chain (properties)', () => {
  it('a valid event with one member removed or replaced by anything is accepted, or refused with a ValidationError that names that member', () => {
    fc.assert(
      fc.property(
        eventInputArbitrary(SUBJECT).chain((input) => fc.tuple(fc.constant(input), fc.constantFrom(...pathsOf(input).filter((path) => path.length > 0)), hostileValue)),
        ([input, path, replacement]) => {
          const mutated = mutate(input, path, replacement);
          let error: unknown;
          try {
            parseEventInput(mutated);
            return;
          } catch (caught) {
            error = caught;
          }
          expect(ValidationError.isInstance(error)).toBe(true);
          const target = formatted(path);
          // A change to the type moves what its rules require; anything else is named where it is.
          const named = (error as ValidationError).issues.some((issue) => issue.path === '' || target.startsWith(issue.path) || issue.path.startsWith(target) || path[0] === 'type' || path[0] === 'fields');
          expect(named).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('appendEvents with anything in the batch either appends all of it or throws a ValidationError and leaves the trail alone', () => {
    const trail = buildTrail(SUBJECT, [valid], { randomBytes: seededBytes(9) });
    const snapshot = JSON.stringify(trail);
    fc.assert(
      fc.property(fc.array(fc.oneof(eventInputArbitrary(SUBJECT), fc.anything({ maxDepth: 3 })), { maxLength: 4 }), (batch) => {
        try {
          const longer = appendEvents(trail, batch, { randomBytes: seededBytes(1) });
          expect(longer.events).toHaveLength(trail.events.length + batch.length);
          expect(verifyTrail(longer).valid).toBe(true);
        } catch (error) {
          expect(ValidationError.isInstance(error)).toBe(true);
        }
        expect(JSON.stringify(trail)).toBe(snapshot);
      }),
      { numRuns: 200 },
    );
  });

  it('a stored trail with any member of any event changed never verifies silently and never throws: the first bad event is named', () => {
    fc.assert(
      fc.property(
        trailArbitrary({ minEvents: 1, maxEvents: 5 }).chain((trail) =>
          fc.tuple(
            fc.constant(trail),
            fc.integer({ min: 0, max: trail.events.length - 1 }).chain((index) => fc.tuple(fc.constant(index), fc.constantFrom(...pathsOf(trail.events[index]).filter((path) => path.length > 0)))),
            hostileValue,
          ),
        ),
        ([trail, [index, path], replacement]) => {
          const events = trail.events.map((event, position) => (position === index ? (mutate(event, path, replacement) as Trail['events'][number]) : event));
          const changed = JSON.stringify(events[index]) !== JSON.stringify(trail.events[index]);
          const result = verifyTrail({ subject: trail.subject, events }, { expectedHead: trail.events.at(-1)!.hash });
          if (!changed) return;
          // Dropping a salt that nothing needs any more is the one change that keeps the commitment.
          if (result.valid) {
            expect(path[0]).toBe('salt');
            expect(computeEventHash(events[index]!)).toBe(trail.events[index]!.hash);
            return;
          }
          expect(TrailIntegrityError.isInstance(result.error)).toBe(true);
          expect(result.error.index).toBeLessThanOrEqual(index);
          // Named by id, unless the change took the id itself away.
          if (path[0] !== 'id') expect(result.error.eventId).toBeDefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parseStoredEvent turns anything into a stored event or a ValidationError', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        try {
          parseStoredEvent(input);
        } catch (error) {
          expect(ValidationError.isInstance(error)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
