import { describe, expect, it } from 'vitest';
import { generateReminder, ValidationError, type ReminderOptions, type SubjectState } from '../src/index';
import { optIn, SALON, stateOf } from './reminder-fixtures';

const footer = (locale: string, extra: Partial<ReminderOptions> = {}): ReminderOptions => ({
  purpose: 'newsletter',
  touchpoint: 'email-footer',
  locale,
  ...extra,
});

function textOf(state: SubjectState, options: ReminderOptions): string {
  const result = generateReminder(state, options);
  if (result.kind !== 'reminder') throw new Error(`expected a reminder, got ${result.reason}`);
  return result.text;
}

function validationPath(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (ValidationError.isInstance(error)) return error.path;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('generateReminder — the brief’s examples', () => {
  const state = stateOf(optIn(SALON, { proof: { documentRef: 'badge-scan-4411' } }));

  it('writes the French sentence with the source’s own phrase', () => {
    expect(textOf(state, footer('fr'))).toBe(
      'Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 lors du Salon E-commerce Paris.',
    );
  });

  it('writes the English sentence with the neutral "at <name>" form', () => {
    expect(textOf(state, footer('en'))).toBe(
      'You are receiving this newsletter because you subscribed on 19 September 2012 at Salon E-commerce Paris.',
    );
  });

  it('keeps the same sentences when the source also records a place', () => {
    const withPlace = stateOf(optIn({ ...SALON, place: 'Paris, Porte de Versailles' }));
    expect(textOf(withPlace, footer('en'))).toBe(
      'You are receiving this newsletter because you subscribed on 19 September 2012 at Salon E-commerce Paris.',
    );
  });

  it('returns what the sentence rests on', () => {
    const result = generateReminder(state, footer('fr'));
    expect(result).toMatchObject({ kind: 'reminder', locale: 'fr', basis: 'consent', strength: 'single-opt-in' });
    if (result.kind !== 'reminder') return;
    expect(result.consentEventId).toBe(state.consents[0]!.granted!.eventId);
  });
});

describe('generateReminder — French grammar without a phrase', () => {
  it('names an event neutrally whatever the gender of its name', () => {
    const state = stateOf(optIn({ kind: 'event', name: 'Foire de Lyon' }));
    expect(textOf(state, footer('fr'))).toBe(
      "Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 lors de l'événement «\u00a0Foire de Lyon\u00a0».",
    );
  });

  it('uses the phrase of a regional tag, then of its language', () => {
    const state = stateOf(optIn({ kind: 'event', name: 'Foire de Lyon', phrases: { 'fr-CA': 'à la Foire de Lyon', fr: 'lors de la Foire de Lyon' } }));
    expect(textOf(state, footer('fr'))).toContain('le 19 septembre 2012 lors de la Foire de Lyon.');
    expect(textOf(state, footer('fr-CA'))).toContain('le 19 septembre 2012 à la Foire de Lyon.');
    expect(textOf(state, footer('fr-BE'))).toContain('le 19 septembre 2012 lors de la Foire de Lyon.');
  });

  it('writes the first of the month as "1er"', () => {
    const state = stateOf(optIn(SALON, { at: '2012-09-01T10:00:00Z' }));
    expect(textOf(state, footer('fr'))).toContain('le 1er septembre 2012 lors du Salon');
  });
});

describe('generateReminder — never invents a consent', () => {
  it('returns no-traceable-consent when the trail has no consent for the purpose', () => {
    const state = stateOf(optIn(SALON, { purpose: 'offers' }));
    expect(generateReminder(state, footer('fr'))).toEqual({ kind: 'no-traceable-consent', reason: 'no-consent', locale: 'fr' });
  });

  it('returns no-traceable-consent for an empty state', () => {
    const state = stateOf({ at: '2012-09-19T10:30:00Z', type: 'data.collected', source: SALON, fields: [{ name: 'city', value: 'Lyon' }] });
    expect(generateReminder(state, footer('en'))).toMatchObject({ kind: 'no-traceable-consent', reason: 'no-consent' });
  });

  it('returns no-traceable-consent for a consent on another channel', () => {
    const state = stateOf(optIn(SALON, { channel: 'sms' }));
    expect(generateReminder(state, footer('en'))).toMatchObject({ kind: 'no-traceable-consent', reason: 'no-consent' });
  });

  it('returns no-traceable-consent after a withdrawal, with no text', () => {
    const state = stateOf(optIn(SALON), {
      at: '2014-03-02T08:00:00Z',
      type: 'consent.withdrawn',
      purpose: 'newsletter',
      channel: 'email',
      source: { kind: 'subject', name: 'Unsubscribe link' },
    });
    const result = generateReminder(state, footer('fr'));
    expect(result).toEqual({ kind: 'no-traceable-consent', reason: 'withdrawn', locale: 'fr' });
    expect(result.text).toBeUndefined();
  });

  it('stays withdrawn when a partner file re-imports the address afterwards', () => {
    const state = stateOf(
      optIn(SALON),
      { at: '2014-03-02T08:00:00Z', type: 'consent.withdrawn', purpose: 'newsletter', channel: 'email', source: { kind: 'subject', name: 'Unsubscribe link' } },
      optIn({ kind: 'import', name: 'Partner file 2015', partner: 'Acme Media' }, { at: '2015-06-01T00:00:00Z' }),
    );
    expect(generateReminder(state, footer('en'))).toMatchObject({ kind: 'no-traceable-consent', reason: 'withdrawn' });
  });

  it('returns no-origin for a granted consent without the event that granted it', () => {
    const state = stateOf(optIn(SALON));
    const broken: SubjectState = { ...state, consents: state.consents.map(({ granted: _granted, ...consent }) => consent) };
    expect(generateReminder(broken, footer('en'))).toMatchObject({ kind: 'no-traceable-consent', reason: 'no-origin' });
  });

  it('says only that a partner provided the details when the import has no proof', () => {
    const state = stateOf(optIn({ kind: 'import', name: 'Acme co-registration 2012', partner: 'Acme Media' }));
    const en = textOf(state, footer('en'));
    const fr = textOf(state, footer('fr'));
    expect(en).toBe('You are receiving this newsletter because your details were provided to us by our partner Acme Media on 19 September 2012.');
    expect(fr).toBe('Vous recevez cette newsletter car notre partenaire Acme Media nous a transmis vos coordonnées le 19 septembre 2012.');
    expect(en).not.toMatch(/subscrib/i);
    expect(fr).not.toMatch(/inscri/i);
    expect(generateReminder(state, footer('en'))).toMatchObject({ strength: 'no-proof' });
  });

  it('says only that the details were added for a plain import without proof, on every touchpoint', () => {
    const state = stateOf(optIn({ kind: 'import', name: 'Fichier clients 2012' }));
    expect(textOf(state, footer('en'))).toBe('You are receiving this newsletter because your details were added to our list on 19 September 2012 (Fichier clients 2012).');
    for (const touchpoint of ['email-footer', 'preference-centre', 'unsubscribe-page', 'welcome-message'] as const) {
      expect(textOf(state, footer('en', { touchpoint }))).not.toMatch(/subscrib/i);
      expect(textOf(state, footer('fr', { touchpoint }))).not.toMatch(/inscri/i);
    }
  });

  it('says "you subscribed" for a partner opt-in that carries proof', () => {
    const state = stateOf(optIn({ kind: 'partner', name: 'Acme Media' }, { proof: { ip: '203.0.113.9', formUrl: 'https://acme.example/optin' } }));
    expect(textOf(state, footer('en'))).toBe('You are receiving this newsletter because you subscribed on 19 September 2012 through our partner Acme Media.');
  });
});

describe('generateReminder — lawful basis', () => {
  const customer = stateOf(
    optIn({ kind: 'purchase', name: 'Boutique example.fr' }, { purpose: 'offers', lawfulBasis: 'legitimate-interests', proof: { documentRef: 'order-1042' } }),
  );

  it('words legitimate interest for a customer as a purchase, not a subscription', () => {
    const options = footer('en', { purpose: 'offers' });
    expect(textOf(customer, options)).toBe(
      'You are receiving our offers because you have been a customer since your purchase on 19 September 2012 at Boutique example.fr.',
    );
    expect(textOf(customer, { ...options, locale: 'fr' })).toBe('Vous recevez nos offres suite à votre achat du 19 septembre 2012 (Boutique example.fr).');
    expect(generateReminder(customer, options)).toMatchObject({ basis: 'legitimate-interests' });
  });

  it('never says "subscribed" under legitimate interest', () => {
    const event = stateOf(optIn(SALON, { purpose: 'offers', lawfulBasis: 'legitimate-interests' }));
    const text = textOf(event, footer('en', { purpose: 'offers' }));
    expect(text).toBe('You are receiving our offers because we have been in touch since 19 September 2012 at Salon E-commerce Paris.');
    expect(textOf(event, footer('fr', { purpose: 'offers' }))).toBe(
      'Vous recevez nos offres dans le cadre de notre relation, établie le 19 septembre 2012 lors du Salon E-commerce Paris.',
    );
  });

  it('words a consent given while buying as a subscription at the purchase', () => {
    const state = stateOf(optIn({ kind: 'purchase', name: 'Boutique example.fr' }, { proof: { formUrl: 'https://example.fr/checkout' } }));
    expect(textOf(state, footer('fr'))).toBe(
      'Vous recevez cette newsletter suite à votre inscription lors de votre achat du 19 septembre 2012 (Boutique example.fr).',
    );
  });
});

describe('generateReminder — dates and time zones', () => {
  const lateEvening = stateOf(optIn(SALON, { at: '2012-09-19T23:30:00Z' }));

  it('gives the day in the requested time zone', () => {
    expect(textOf(lateEvening, footer('fr'))).toContain('le 19 septembre 2012');
    expect(textOf(lateEvening, footer('fr', { timeZone: 'Europe/Paris' }))).toContain('le 20 septembre 2012');
    expect(textOf(lateEvening, footer('en', { timeZone: 'America/New_York' }))).toContain('on 19 September 2012');
    expect(textOf(stateOf(optIn(SALON, { at: '2012-09-19T02:00:00Z' })), footer('en', { timeZone: 'America/Los_Angeles' }))).toContain(
      'on 18 September 2012',
    );
  });

  it('writes day-month-year for en and en-GB, and the US order for en-US', () => {
    const state = stateOf(optIn(SALON));
    expect(textOf(state, footer('en-GB'))).toContain('on 19 September 2012 at');
    expect(textOf(state, footer('en-US'))).toBe('You are receiving this newsletter because you subscribed on September 19, 2012 at Salon E-commerce Paris.');
  });

  it('rejects an unknown time zone with a ValidationError naming timeZone', () => {
    const state = stateOf(optIn(SALON));
    expect(validationPath(() => generateReminder(state, footer('fr', { timeZone: 'Europe/Atlantis' })))).toBe('timeZone');
  });

  it('reads no clock: the same input always gives the same sentence', () => {
    const state = stateOf(optIn(SALON));
    expect(textOf(state, footer('de'))).toBe(textOf(structuredClone(state), footer('de')));
  });
});

describe('generateReminder — locales', () => {
  const state = stateOf(optIn(SALON));

  it('uses the language’s wording for a regional tag and reports the tag', () => {
    const result = generateReminder(state, footer('fr-CA'));
    expect(result).toMatchObject({ kind: 'reminder', locale: 'fr-CA' });
    expect(result.text).toBe('Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 lors du Salon E-commerce Paris.');
    expect(generateReminder(state, footer('pt-BR'))).toMatchObject({ locale: 'pt-BR' });
    expect(generateReminder(state, footer('EN-gb'))).toMatchObject({ locale: 'en-GB' });
  });

  it('throws a ValidationError naming locale for an unsupported language', () => {
    expect(validationPath(() => generateReminder(state, footer('ja')))).toBe('locale');
    expect(validationPath(() => generateReminder(state, footer('not a tag')))).toBe('locale');
  });

  it('falls back to fallbackLocale, and says so in the result', () => {
    const result = generateReminder(state, footer('ja', { fallbackLocale: 'en' }));
    expect(result).toMatchObject({ kind: 'reminder', locale: 'en' });
    expect(result.text).toContain('on 19 September 2012 at Salon E-commerce Paris');
    expect(validationPath(() => generateReminder(state, footer('ja', { fallbackLocale: 'ko' })))).toBe('fallbackLocale');
  });

  it('names the purpose with the given label, else a built-in one, else by channel', () => {
    const labels = { fr: { newsletter: 'la Lettre Acme' }, 'fr-CA': { newsletter: 'l’infolettre Acme' } };
    expect(textOf(state, footer('fr', { purposeLabels: labels }))).toMatch(/^Vous recevez la Lettre Acme suite/);
    expect(textOf(state, footer('fr-CA', { purposeLabels: labels }))).toMatch(/^Vous recevez l’infolettre Acme suite/);
    const tips = stateOf(optIn(SALON, { purpose: 'tips' }));
    expect(textOf(tips, footer('en', { purpose: 'tips' }))).toMatch(/^You are receiving these emails because/);
    expect(textOf(tips, footer('fr', { purpose: 'tips' }))).toMatch(/^Vous recevez ces e-mails suite/);
  });

  it('reads the channel from the touchpoint, postal for postal mail', () => {
    const postal = stateOf(optIn(SALON, { purpose: 'catalogue', channel: 'postal' }));
    expect(textOf(postal, { purpose: 'catalogue', touchpoint: 'postal-mail', locale: 'fr' })).toBe(
      'Nous vous adressons ce courrier suite à votre inscription le 19 septembre 2012 lors du Salon E-commerce Paris.',
    );
    expect(generateReminder(postal, { purpose: 'catalogue', touchpoint: 'email-footer', locale: 'fr' })).toMatchObject({ reason: 'no-consent' });
    expect(generateReminder(state, { purpose: 'newsletter', touchpoint: 'postal-mail', locale: 'fr' })).toMatchObject({ reason: 'no-consent' });
    expect(generateReminder(state, { purpose: 'newsletter', touchpoint: 'postal-mail', locale: 'fr', channel: 'email' })).toMatchObject({ kind: 'reminder' });
  });

  it('matches a consent recorded for any channel', () => {
    const anyChannel = stateOf(optIn(SALON, { channel: 'any' }));
    expect(generateReminder(anyChannel, { purpose: 'newsletter', touchpoint: 'postal-mail', locale: 'en' })).toMatchObject({ kind: 'reminder' });
  });
});

describe('generateReminder — template overrides', () => {
  const state = stateOf(optIn(SALON));

  it('overrides one touchpoint in one locale and leaves the others alone', () => {
    const templates = { fr: { 'email-footer': 'Acme vous envoie {purpose} {reason}.' } };
    expect(textOf(state, footer('fr', { templates }))).toBe(
      'Acme vous envoie cette newsletter suite à votre inscription le 19 septembre 2012 lors du Salon E-commerce Paris.',
    );
    expect(textOf(state, footer('fr', { templates, touchpoint: 'unsubscribe-page' }))).toMatch(/^Vous recevez cette newsletter depuis/);
    expect(textOf(state, footer('en', { templates }))).toMatch(/^You are receiving/);
  });

  it('overrides per situation, per situation and source kind, and for every touchpoint', () => {
    const templates = {
      en: {
        '*': { 'subscribed:event': 'We met at {name} on {date}.', default: 'Generic {purpose}.' },
        'welcome-message': { subscribed: 'Hello from {name}!' },
      },
    };
    expect(textOf(state, footer('en', { templates }))).toBe('We met at Salon E-commerce Paris on 19 September 2012.');
    expect(textOf(state, footer('en', { templates, touchpoint: 'welcome-message' }))).toBe('Hello from Salon E-commerce Paris!');
    const imported = stateOf(optIn({ kind: 'import', name: 'File' }));
    expect(textOf(imported, footer('en', { templates }))).toBe('Generic this newsletter.');
  });

  it('prefers the regional override to the language one', () => {
    const templates = { fr: { 'email-footer': 'FR {date}.' }, 'fr-CA': { 'email-footer': 'CA {date}.' } };
    expect(textOf(state, footer('fr-CA', { templates }))).toBe('CA 19 septembre 2012.');
    expect(textOf(state, footer('fr-FR', { templates }))).toBe('FR 19 septembre 2012.');
  });

  it('overrides reasons and neutral source phrases', () => {
    const templates = {
      en: {
        reasons: { subscribed: 'since your sign-up on {date} {source}' },
        sources: { event: 'at the {name} show[ in {place}]' },
      },
    };
    const foire = stateOf(optIn({ kind: 'event', name: 'Foire', place: 'Lyon' }));
    expect(textOf(foire, footer('en', { templates }))).toBe('You are receiving this newsletter since your sign-up on 19 September 2012 at the Foire show in Lyon.');
    const noPlace = stateOf(optIn({ kind: 'event', name: 'Foire' }));
    expect(textOf(noPlace, footer('en', { templates }))).toBe('You are receiving this newsletter since your sign-up on 19 September 2012 at the Foire show.');
  });

  it('keeps literal braces and brackets', () => {
    const templates = { en: { 'email-footer': '{{purpose}} [[{date}]]' } };
    expect(textOf(state, footer('en', { templates }))).toBe('{purpose} [19 September 2012]');
  });

  it('lets templates add a language that has no built-in wording', () => {
    const templates = {
      sv: {
        '*': 'Du får {purpose} eftersom du anmälde dig den {date} på {name}.',
      },
    };
    const options = footer('sv', { templates, purposeLabels: { sv: { newsletter: 'detta nyhetsbrev' } } });
    expect(textOf(state, options)).toBe('Du får detta nyhetsbrev eftersom du anmälde dig den 19 september 2012 på Salon E-commerce Paris.');
    expect(validationPath(() => generateReminder(state, { ...options, purposeLabels: {} }))).toBe('purposeLabels.sv.newsletter');
  });

  it('rejects a malformed or unknown placeholder with the template’s path', () => {
    expect(validationPath(() => generateReminder(state, footer('fr', { templates: { fr: { 'email-footer': 'Vous {purpos}.' } } })))).toBe(
      'templates.fr.email-footer',
    );
    expect(validationPath(() => generateReminder(state, footer('fr', { templates: { fr: { 'email-footer': { subscribed: 'Vous {purpose.' } } } })))).toBe(
      'templates.fr.email-footer.subscribed',
    );
    expect(validationPath(() => generateReminder(state, footer('fr', { templates: { fr: { reasons: { subscribed: 'car {reason}' } } } })))).toBe(
      'templates.fr.reasons.subscribed',
    );
  });
});

describe('generateReminder — option validation', () => {
  const state = stateOf(optIn(SALON));
  it.each([
    ['touchpoint', { touchpoint: 'sms-footer' }],
    ['purpose', { purpose: '' }],
    ['format', { format: 'markdown' }],
    ['channel', { channel: 'fax' }],
  ])('names %s when it is invalid', (path, override) => {
    expect(validationPath(() => generateReminder(state, { ...footer('en'), ...(override as object) } as ReminderOptions))).toBe(path);
  });
});
