/**
 * Everything the page says, per language — above all the consent wording. The page renders
 * `CONSENT_WORDING[locale]` as the checkbox label and the server hashes the same constant into the
 * proof, so the hash always names the text the subscriber saw. Change the wording, change
 * `FORM_VERSION`: the version then tells which wording a hash belongs to.
 */
import { sha256Hex } from '@optintrail/core';

export const PAGE_LOCALES = ['en', 'fr'] as const;
export type PageLocale = (typeof PAGE_LOCALES)[number];

/** Version of the form and its wording; stored in the proof as `<version>/<locale>`. */
export const FORM_VERSION = '2025-01';

/** The exact consent wording shown next to the checkbox. */
export const CONSENT_WORDING: Readonly<Record<PageLocale, string>> = {
  en: 'Yes, send me the monthly Example.org newsletter by email. I can unsubscribe at any time with the link at the bottom of every issue.',
  fr: 'Oui, je souhaite recevoir par e-mail la newsletter mensuelle d’Example.org. Je peux me désabonner à tout moment grâce au lien en bas de chaque numéro.',
};

/** SHA-256 (lower-case hex) of the wording shown in `locale`, as stored in `proof.wordingHash`. */
export function consentWordingHash(locale: PageLocale): string {
  return sha256Hex(CONSENT_WORDING[locale]);
}

/** The form as a source of events; the phrases make the reminder read naturally in each language. */
export const FORM_SOURCE_NAME = 'Example.org newsletter form';
export const FORM_SOURCE_PHRASES: Readonly<Record<PageLocale, string>> = {
  en: 'through the sign-up form on Example.org',
  fr: 'via le formulaire d’inscription d’Example.org',
};

export interface PageCopy {
  title: string;
  intro: string;
  emailLabel: string;
  firstNameLabel: string;
  submit: string;
  otherLanguage: string;
  consentRequired: string;
  invalidForm: string;
  checkInboxTitle: string;
  /** `{email}` is replaced (escaped). */
  checkInbox: string;
  demoNotice: string;
  welcomeTitle: string;
  /** `{name}` is replaced (escaped). */
  welcomeTitleNamed: string;
  confirmed: string;
  noReminder: string;
  unknownLinkTitle: string;
  unknownLink: string;
  crmFailedTitle: string;
  crmFailed: string;
  notFound: string;
}

// French typography: a no-break space before : ; ! ? (as core's French reminders do).
export const PAGE_COPY: Readonly<Record<PageLocale, PageCopy>> = {
  en: {
    title: 'Subscribe to the Example.org newsletter',
    intro: 'One email a month about what is new at Example.org.',
    emailLabel: 'Email address',
    firstNameLabel: 'First name (optional)',
    submit: 'Subscribe',
    otherLanguage: 'Version française',
    consentRequired: 'Tick the box to subscribe.',
    invalidForm: 'Nothing was recorded: please correct the fields marked below.',
    checkInboxTitle: 'Check your inbox',
    checkInbox: 'We sent a confirmation link to {email}. Your subscription starts once you follow it.',
    demoNotice: 'Demo mode: no email is sent. This is the link the email would carry:',
    welcomeTitle: 'Welcome!',
    welcomeTitleNamed: 'Welcome, {name}!',
    confirmed: 'Your subscription is confirmed.',
    noReminder: 'We hold no traceable consent for this subscription.',
    unknownLinkTitle: 'Link not recognised',
    unknownLink: 'This confirmation link is unknown or has expired. Please sign up again.',
    crmFailedTitle: 'Not recorded',
    crmFailed: 'Your consent could not be recorded just now. Nothing was confirmed; please try again in a moment.',
    notFound: 'Page not found.',
  },
  fr: {
    title: 'Abonnez-vous à la newsletter d’Example.org',
    intro: 'Un e-mail par mois sur les nouveautés d’Example.org.',
    emailLabel: 'Adresse e-mail',
    firstNameLabel: 'Prénom (facultatif)',
    submit: 'S’abonner',
    otherLanguage: 'English version',
    consentRequired: 'Cochez la case pour vous abonner.',
    invalidForm: 'Rien n’a été enregistré\u00a0: corrigez les champs signalés ci-dessous.',
    checkInboxTitle: 'Consultez votre messagerie',
    checkInbox: 'Nous avons envoyé un lien de confirmation à {email}. Votre abonnement commence dès que vous l’aurez suivi.',
    demoNotice: 'Mode démo\u00a0: aucun e-mail n’est envoyé. Voici le lien que l’e-mail contiendrait\u00a0:',
    welcomeTitle: 'Bienvenue\u00a0!',
    welcomeTitleNamed: 'Bienvenue, {name}\u00a0!',
    confirmed: 'Votre abonnement est confirmé.',
    noReminder: 'Nous ne détenons aucun consentement traçable pour cet abonnement.',
    unknownLinkTitle: 'Lien non reconnu',
    unknownLink: 'Ce lien de confirmation est inconnu ou a expiré. Merci de vous inscrire à nouveau.',
    crmFailedTitle: 'Non enregistré',
    crmFailed: 'Votre consentement n’a pas pu être enregistré pour le moment. Rien n’a été confirmé\u00a0; merci de réessayer dans un instant.',
    notFound: 'Page introuvable.',
  },
};

export function isPageLocale(value: unknown): value is PageLocale {
  return typeof value === 'string' && (PAGE_LOCALES as readonly string[]).includes(value);
}

/** The page's language: `?lang=` first, then the browser's Accept-Language, else English. */
export function pickLocale(requested: string | null | undefined, acceptLanguage: string | undefined): PageLocale {
  if (isPageLocale(requested)) return requested;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const language = part.trim().split(';')[0]!.split('-')[0]!.toLowerCase();
    if (isPageLocale(language)) return language;
  }
  return 'en';
}
