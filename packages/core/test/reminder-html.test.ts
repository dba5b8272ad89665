import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateReminder, SOURCE_KINDS, SUPPORTED_REMINDER_LOCALES, TOUCHPOINTS, type ReminderOptions, type Source, type SubjectState } from '../src/index';
import { balanceIsolates, escapeHtml, textDataValue } from '../src/reminder/html-escape';
import { optIn, SALON, stateOf } from './reminder-fixtures';

const RLO = '\u202e';
const HOSTILE = `<script>alert("x")</script> Tom & Jerry's ${RLO}moc.elpmaxe`;

function html(state: SubjectState, options: Partial<ReminderOptions> = {}): string {
  const result = generateReminder(state, { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en', format: 'html', ...options });
  if (result.kind !== 'reminder') throw new Error(result.reason);
  return result.text;
}

/** Removes the markup the generator itself adds, so what is left must hold no raw markup at all. */
function withoutOwnMarkup(text: string): string {
  return text.replaceAll('<bdi>', '').replaceAll('</bdi>', '');
}

/** A consent state built directly (no schema), so names can hold anything, control characters included. */
function directState(source: Source): SubjectState {
  const origin = { at: '2012-09-19T10:30:00.000Z', source, eventId: '0190a6e2-0000-7000-8000-000000000001' };
  return {
    subject: 'x@example.com',
    consents: [
      {
        purpose: 'newsletter',
        channel: 'email',
        status: 'granted',
        lawfulBasis: 'consent',
        granted: origin,
        since: origin.at,
        strength: 'no-proof',
        history: [{ ...origin, type: 'consent.given', applied: true }],
      },
    ],
    fields: {},
    restricted: false,
    requests: [],
    erasureRequested: false,
    eventCount: 1,
    firstEventAt: origin.at,
    lastEventAt: origin.at,
    head: null,
  };
}

describe('reminders as HTML', () => {
  it('gives the brief’s sentence with the data isolated in <bdi>', () => {
    const state = stateOf(optIn(SALON));
    expect(html(state)).toBe('You are receiving this newsletter because you subscribed on 19 September 2012 at <bdi>Salon E-commerce Paris</bdi>.');
    expect(html(state, { locale: 'fr' })).toBe(
      'Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 <bdi>lors du Salon E-commerce Paris</bdi>.',
    );
  });

  it('escapes a hostile source name and keeps its override inside <bdi>', () => {
    const state = stateOf(optIn({ kind: 'event', name: HOSTILE }));
    const text = html(state);
    expect(text).not.toContain('<script');
    expect(text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Tom &amp; Jerry&#39;s');
    expect(text).toMatch(new RegExp(`<bdi>[^<]*${RLO}[^<]*</bdi>`));
    // Nothing of the data outside the isolate: the override cannot reach the rest of the sentence.
    expect(text.replace(/<bdi>[^<]*<\/bdi>/g, '')).not.toContain(RLO);
    expect(withoutOwnMarkup(text)).not.toMatch(/[<>"]/);
  });

  it('escapes hostile phrases, places, partners and purpose labels, but not the template', () => {
    const state = stateOf(
      optIn({ kind: 'import', name: '"><img src=x onerror=alert(1)>', partner: '<b>Acme</b> & Co', place: '<i>Lyon</i>', phrases: { en: '<u>at the fair</u>' } }),
      optIn({ kind: 'event', name: 'Fair', phrases: { en: '<u>at the fair</u>' } }, { purpose: 'offers' }),
    );
    const partner = html(state);
    expect(partner).toBe('You are receiving this newsletter because your details were provided to us by our partner <bdi>&lt;b&gt;Acme&lt;/b&gt; &amp; Co</bdi> on 19 September 2012.');
    const phrase = html(state, { purpose: 'offers', purposeLabels: { en: { offers: 'our <offers> & "deals"' } } });
    expect(phrase).toBe('You are receiving our &lt;offers&gt; &amp; &quot;deals&quot; because you subscribed on 19 September 2012 <bdi>&lt;u&gt;at the fair&lt;/u&gt;</bdi>.');
    const templates = { en: { 'email-footer': '<strong>{purpose}</strong> — {name} [<em>{place}</em>]' } };
    expect(html(state, { templates })).toBe('<strong>this newsletter</strong> — <bdi>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</bdi> <em><bdi>&lt;i&gt;Lyon&lt;/i&gt;</bdi></em>');
  });

  it('escapes on every locale, touchpoint and source kind', () => {
    for (const kind of SOURCE_KINDS) {
      const state = stateOf(optIn({ kind, name: HOSTILE, partner: HOSTILE, place: HOSTILE }, { channel: 'any', proof: { documentRef: 'd' } }));
      for (const locale of SUPPORTED_REMINDER_LOCALES) {
        for (const touchpoint of TOUCHPOINTS) {
          const text = html(state, { locale, touchpoint });
          expect(text, `${kind} ${locale} ${touchpoint}`).not.toContain('<script');
          expect(text).toContain('<bdi>');
          expect(withoutOwnMarkup(text)).not.toMatch(/[<>"]/);
        }
      }
    }
  });

  it('never lets a "<" from data through, whatever the source name (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
          // Markup-heavy names, so most runs actually hold something to escape.
          fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", '/', RLO, '\u2069', 's', 'c', ' '), minLength: 1, maxLength: 40 }),
        ),
        fc.constantFrom(...SOURCE_KINDS),
        fc.constantFrom(...SUPPORTED_REMINDER_LOCALES),
        fc.constantFrom(...TOUCHPOINTS),
        (name, kind, locale, touchpoint) => {
          fc.pre(name.trim() !== '');
          const result = generateReminder(directState({ kind, name, partner: name, phrases: { [locale]: name } }), {
            purpose: 'newsletter',
            touchpoint,
            channel: 'email',
            locale,
            format: 'html',
          });
          if (result.kind !== 'reminder') return false;
          const outsideMarkup = withoutOwnMarkup(result.text);
          return !outsideMarkup.includes('<') && !outsideMarkup.includes('>') && !outsideMarkup.includes('"');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps every data value balanced inside its isolate (property)', () => {
    const bidi = fc.constantFrom('\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', 'a', 'ش', ' ');
    fc.assert(
      fc.property(fc.array(bidi, { minLength: 1, maxLength: 20 }), (characters) => {
        const balanced = balanceIsolates(characters.join(''));
        let depth = 0;
        for (const character of balanced) {
          if (character === '\u2066' || character === '\u2067' || character === '\u2068') depth += 1;
          if (character === '\u2069') depth -= 1;
          if (depth < 0) return false;
        }
        return depth === 0;
      }),
    );
  });
});

describe('reminders as text', () => {
  it('leaves plain names alone and isolates right-to-left ones', () => {
    expect(textDataValue('Salon E-commerce Paris')).toBe('Salon E-commerce Paris');
    expect(textDataValue(`evil${RLO}gnp.exe`)).toBe(`\u2068evil${RLO}gnp.exe\u2069`);
    expect(textDataValue('معرض باريس')).toBe('\u2068معرض باريس\u2069');
    expect(textDataValue('a\u2069b')).toBe('\u2068ab\u2069');
  });

  it('flattens data onto one line, so a name cannot add lines to a footer', () => {
    const text = generateReminder(directState({ kind: 'event', name: 'Salon\r\nBcc: victim@example.com\u0000' }), {
      purpose: 'newsletter',
      touchpoint: 'email-footer',
      locale: 'en',
    }).text!;
    expect(text).toBe('You are receiving this newsletter because you subscribed on 19 September 2012 at Salon Bcc: victim@example.com.');
  });

  it('does not escape in text mode', () => {
    const state = stateOf(optIn({ kind: 'event', name: 'Tom & Jerry <Live>' }));
    expect(generateReminder(state, { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en' }).text).toContain('at Tom & Jerry <Live>.');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });
});
