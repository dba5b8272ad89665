import { describe, expect, it } from 'vitest';
import {
  generateReminder,
  LAWFUL_BASES,
  SOURCE_KINDS,
  SUPPORTED_REMINDER_LOCALES,
  TOUCHPOINTS,
  type EventType,
  type LawfulBasis,
  type ReminderOptions,
  type Source,
  type SourceKind,
} from '../src/index';
import { BUILT_IN_REMINDER_LOCALES } from '../src/reminder/locales/index';
import { optIn, SEPTEMBER_19, stateOf } from './reminder-fixtures';

/** The stem each language uses for "subscribe", which must appear only when the trail shows an opt-in. */
const SUBSCRIBED_WORD: Record<string, RegExp> = {
  fr: /inscri/i,
  en: /subscrib|sign(ed)? up/i,
  de: /anmeld|angemeldet/i,
  es: /suscrib/i,
  it: /iscri/i,
  nl: /aanmeld|aangemeld/i,
  pt: /inscre|inscri/i,
};

function sourceOf(kind: SourceKind): Source {
  return { kind, name: `Source ${kind} Zephyr` };
}

function reminderText(kind: SourceKind, lawfulBasis: LawfulBasis, withProof: boolean, options: ReminderOptions): string {
  const state = stateOf(optIn(sourceOf(kind), { lawfulBasis, ...(withProof ? { proof: { documentRef: 'doc-1' } } : {}) }));
  const result = generateReminder(state, options);
  if (result.kind !== 'reminder') throw new Error(`no reminder for ${kind}/${lawfulBasis}: ${result.reason}`);
  return result.text;
}

describe('built-in locales', () => {
  it('are fr, en, de, es, it, nl, pt', () => {
    expect([...SUPPORTED_REMINDER_LOCALES]).toEqual(['fr', 'en', 'de', 'es', 'it', 'nl', 'pt']);
  });

  for (const locale of SUPPORTED_REMINDER_LOCALES) {
    describe(locale, () => {
      for (const touchpoint of TOUCHPOINTS) {
        it(`${touchpoint}: a sentence with the date and the source name`, () => {
          const state = stateOf(optIn({ kind: 'event', name: 'Salon Zephyr' }, { channel: 'any' }));
          const result = generateReminder(state, { purpose: 'newsletter', touchpoint, locale });
          expect(result.kind).toBe('reminder');
          const text = result.text!;
          expect(text).toContain(SEPTEMBER_19[locale]!);
          expect(text).toContain('Salon Zephyr');
          expect(text).toContain(BUILT_IN_REMINDER_LOCALES.get(locale)!.purposes.newsletter!);
          expect(text).toMatch(/^\p{Lu}/u);
          expect(text).toMatch(/[.!]$/);
        });
      }

      it('covers every source kind, lawful basis and proof, on every touchpoint, without leftovers', () => {
        for (const touchpoint of TOUCHPOINTS) {
          for (const kind of SOURCE_KINDS) {
            for (const lawfulBasis of LAWFUL_BASES) {
              for (const withProof of [true, false]) {
                const text = reminderText(kind, lawfulBasis, withProof, { purpose: 'newsletter', touchpoint, locale, channel: 'email' });
                expect(text).toContain(SEPTEMBER_19[locale]!);
                expect(text).toContain(`Source ${kind} Zephyr`);
                // No placeholder, bracket or doubled space left behind, no ordinary space before
                // punctuation (French puts a no-break space before its colon), one sentence ending.
                expect(text).not.toMatch(/[{}[\]]| {2}| [.,:!]|\.\./);
              }
            }
          }
        }
      });

      it('says "subscribed" only when the trail backs it, on every touchpoint', () => {
        const subscribedWord = SUBSCRIBED_WORD[locale]!;
        for (const touchpoint of TOUCHPOINTS) {
          const options: ReminderOptions = { purpose: 'newsletter', touchpoint, locale, channel: 'email' };
          expect(reminderText('event', 'consent', true, options)).toMatch(subscribedWord);
          expect(reminderText('import', 'consent', false, options)).not.toMatch(subscribedWord);
          expect(reminderText('partner', 'consent', false, options)).not.toMatch(subscribedWord);
          expect(reminderText('purchase', 'legitimate-interests', true, options)).not.toMatch(subscribedWord);
          expect(reminderText('event', 'legitimate-interests', false, options)).not.toMatch(subscribedWord);
        }
      });
    });
  }

  it('every built-in language defines each touchpoint, situation and source kind itself', () => {
    for (const [language, locale] of BUILT_IN_REMINDER_LOCALES) {
      for (const touchpoint of TOUCHPOINTS) expect(locale.templates[touchpoint], `${language} ${touchpoint}`).toBeDefined();
      for (const reason of ['subscribed', 'relationship', 'provided', 'relationship:purchase', 'provided:partner'] as const) {
        expect(locale.templates.reasons?.[reason], `${language} reasons.${reason}`).toBeTypeOf('string');
      }
      for (const kind of SOURCE_KINDS) expect(locale.templates.sources?.[kind], `${language} sources.${kind}`).toBeTypeOf('string');
    }
  });

  it('gives every touchpoint its own wording in fr and en', () => {
    const state = stateOf(optIn({ kind: 'event', name: 'Salon Zephyr' }, { channel: 'any' }));
    for (const locale of ['fr', 'en']) {
      const texts = TOUCHPOINTS.map((touchpoint) => generateReminder(state, { purpose: 'newsletter', touchpoint, locale }).text);
      expect(new Set(texts).size, locale).toBe(TOUCHPOINTS.length);
    }
  });

  it('keeps fr and en wording for the main kinds as written', () => {
    const footer = (kind: SourceKind, locale: string) => reminderText(kind, 'consent', true, { purpose: 'newsletter', touchpoint: 'email-footer', locale });
    expect(footer('web-form', 'fr')).toBe('Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 en ligne (Source web-form Zephyr).');
    expect(footer('paper-form', 'fr')).toBe('Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 sur un formulaire papier (Source paper-form Zephyr).');
    expect(footer('phone', 'fr')).toBe('Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 par téléphone (Source phone Zephyr).');
    expect(footer('crm-user', 'fr')).toBe('Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 auprès de notre équipe (Source crm-user Zephyr).');
    expect(footer('web-form', 'en')).toBe('You are receiving this newsletter because you subscribed on 19 September 2012 online (Source web-form Zephyr).');
    expect(footer('paper-form', 'en')).toBe('You are receiving this newsletter because you subscribed on 19 September 2012 on a paper form (Source paper-form Zephyr).');
    expect(footer('api', 'en')).toBe('You are receiving this newsletter because you subscribed on 19 September 2012 via Source api Zephyr.');
  });

  it('words each touchpoint naturally for the Salon subscriber in fr and en', () => {
    const state = stateOf(optIn({ kind: 'event', name: 'Salon E-commerce Paris', phrases: { fr: 'lors du Salon E-commerce Paris' } }, { channel: 'any' }));
    const text = (touchpoint: (typeof TOUCHPOINTS)[number], locale: string) => generateReminder(state, { purpose: 'newsletter', touchpoint, locale }).text;
    expect(text('postal-mail', 'fr')).toBe('Nous vous adressons cette newsletter suite à votre inscription le 19 septembre 2012 lors du Salon E-commerce Paris.');
    expect(text('preference-centre', 'fr')).toBe(
      'Vous avez choisi de recevoir cette newsletter en vous inscrivant le 19 septembre 2012 lors du Salon E-commerce Paris.',
    );
    expect(text('unsubscribe-page', 'fr')).toBe('Vous recevez cette newsletter depuis votre inscription le 19 septembre 2012 lors du Salon E-commerce Paris.');
    expect(text('welcome-message', 'fr')).toBe(
      'Merci pour votre inscription du 19 septembre 2012 lors du Salon E-commerce Paris\u00a0: vous recevrez désormais cette newsletter.',
    );
    expect(text('postal-mail', 'en')).toBe('We are sending you this newsletter because you subscribed on 19 September 2012 at Salon E-commerce Paris.');
    expect(text('preference-centre', 'en')).toBe('You subscribed to this newsletter on 19 September 2012 at Salon E-commerce Paris.');
    expect(text('unsubscribe-page', 'en')).toBe(
      'You have been receiving this newsletter since you subscribed on 19 September 2012 at Salon E-commerce Paris.',
    );
    expect(text('welcome-message', 'en')).toBe(
      'Thank you for subscribing on 19 September 2012 at Salon E-commerce Paris: from now on, you will receive this newsletter.',
    );
  });

  it('cites the original opt-in after a double opt-in confirmation', () => {
    const confirmed: EventType = 'consent.confirmed';
    const state = stateOf(
      optIn({ kind: 'web-form', name: 'Form' }, { proof: { ip: '203.0.113.9' } }),
      { ...optIn({ kind: 'subject', name: 'Confirmation link' }), type: confirmed, at: '2012-09-21T11:00:00Z', proof: { ip: '203.0.113.9' } },
    );
    const result = generateReminder(state, { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en' });
    expect(result).toMatchObject({ kind: 'reminder', strength: 'double-opt-in' });
    expect(result.text).toContain('online (Form)');
  });
});
