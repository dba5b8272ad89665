import {
  isRedacted,
  type Actor,
  type Channel,
  type DoubleOptInProof,
  type EventType,
  type FieldValue,
  type LawfulBasis,
  type Proof,
  type RedactedValue,
  type Source,
  type SourceKind,
} from '../model/event';

/**
 * Short human wording for events, sources and proofs, as CRM users read them in summary fields and
 * timeline entries. Plain text only: callers that render HTML escape it.
 */
export type DescriptionLocale = 'en' | 'fr';

const EVENT_TYPE_LABELS: Record<DescriptionLocale, Record<EventType, string>> = {
  en: {
    'data.collected': 'Data collected',
    'data.updated': 'Data updated',
    'data.rectified': 'Data rectified',
    'data.erased': 'Data erased',
    'consent.given': 'Consent given',
    'consent.confirmed': 'Consent confirmed (double opt-in)',
    'consent.renewed': 'Consent renewed',
    'consent.withdrawn': 'Consent withdrawn',
    'subject.access-requested': 'Access requested',
    'subject.erasure-requested': 'Erasure requested',
    'processing.restricted': 'Processing restricted',
  },
  fr: {
    'data.collected': 'Données collectées',
    'data.updated': 'Données modifiées',
    'data.rectified': 'Données rectifiées',
    'data.erased': 'Données effacées',
    'consent.given': 'Consentement donné',
    'consent.confirmed': 'Consentement confirmé (double opt-in)',
    'consent.renewed': 'Consentement renouvelé',
    'consent.withdrawn': 'Consentement retiré',
    'subject.access-requested': 'Demande d’accès',
    'subject.erasure-requested': 'Demande d’effacement',
    'processing.restricted': 'Traitement limité',
  },
};

const SOURCE_KIND_LABELS: Record<DescriptionLocale, Record<SourceKind, string>> = {
  en: {
    event: 'event',
    'web-form': 'web form',
    import: 'import',
    purchase: 'purchase',
    'paper-form': 'paper form',
    phone: 'phone',
    api: 'API',
    'crm-user': 'CRM user',
    'crm-automation': 'CRM automation',
    partner: 'partner',
    subject: 'the person',
    other: 'other',
  },
  fr: {
    event: 'événement',
    'web-form': 'formulaire web',
    import: 'import',
    purchase: 'achat',
    'paper-form': 'formulaire papier',
    phone: 'téléphone',
    api: 'API',
    'crm-user': 'utilisateur du CRM',
    'crm-automation': 'automatisation du CRM',
    partner: 'partenaire',
    subject: 'la personne',
    other: 'autre',
  },
};

const CHANNEL_LABELS: Record<DescriptionLocale, Record<Channel, string>> = {
  en: { email: 'email', sms: 'SMS', phone: 'phone', postal: 'postal mail', push: 'push', messaging: 'messaging', any: 'any channel' },
  fr: { email: 'e-mail', sms: 'SMS', phone: 'téléphone', postal: 'courrier', push: 'notification push', messaging: 'messagerie', any: 'tous canaux' },
};

const LAWFUL_BASIS_LABELS: Record<DescriptionLocale, Record<LawfulBasis, string>> = {
  en: {
    consent: 'consent',
    contract: 'contract',
    'legal-obligation': 'legal obligation',
    'vital-interests': 'vital interests',
    'public-task': 'public task',
    'legitimate-interests': 'legitimate interests',
  },
  fr: {
    consent: 'consentement',
    contract: 'contrat',
    'legal-obligation': 'obligation légale',
    'vital-interests': 'intérêts vitaux',
    'public-task': 'mission d’intérêt public',
    'legitimate-interests': 'intérêt légitime',
  },
};

const ACTOR_KIND_LABELS: Record<DescriptionLocale, Record<Actor['kind'], string>> = {
  en: { subject: 'the person', staff: 'staff', system: 'system', integration: 'integration' },
  fr: { subject: 'la personne', staff: 'équipe', system: 'système', integration: 'intégration' },
};

const CONFIRMATION_METHOD_LABELS: Record<DescriptionLocale, Record<NonNullable<DoubleOptInProof['method']>, string>> = {
  en: { 'email-link': 'email link', 'sms-code': 'SMS code', other: 'other means' },
  fr: { 'email-link': 'lien dans un e-mail', 'sms-code': 'code SMS', other: 'autre moyen' },
};

const WORDS = {
  en: {
    doubleOptIn: 'double opt-in',
    ip: 'IP',
    userAgent: 'user agent',
    form: 'form',
    wording: 'wording shown',
    wordingHash: 'wording SHA-256',
    document: 'document',
    redacted: '[redacted]',
    via: 'via',
    campaign: 'campaign',
    none: 'none',
    separator: '; ',
    colon: ': ',
  },
  fr: {
    doubleOptIn: 'double opt-in',
    ip: 'IP',
    userAgent: 'navigateur',
    form: 'formulaire',
    wording: 'texte affiché',
    wordingHash: 'SHA-256 du texte',
    document: 'document',
    redacted: '[effacé]',
    via: 'via',
    campaign: 'campagne',
    none: 'aucune',
    separator: ' ; ',
    colon: '\u00a0: ',
  },
} as const;

export function words(locale: DescriptionLocale) {
  return WORDS[locale];
}

export function eventTypeLabel(type: EventType, locale: DescriptionLocale): string {
  return EVENT_TYPE_LABELS[locale][type] ?? type;
}

export function channelLabel(channel: Channel, locale: DescriptionLocale): string {
  return CHANNEL_LABELS[locale][channel] ?? channel;
}

export function sourceKindLabel(kind: SourceKind, locale: DescriptionLocale): string {
  return SOURCE_KIND_LABELS[locale][kind] ?? kind;
}

export function lawfulBasisLabel(basis: LawfulBasis, locale: DescriptionLocale): string {
  return LAWFUL_BASIS_LABELS[locale][basis] ?? basis;
}

/**
 * A source in one line. `kind-first` (summary fields, sortable by kind):
 * "event: Salon E-commerce Paris (Paris, Porte de Versailles), via Partner".
 * `name-first` (after a "Source:" label): "Salon E-commerce Paris (event), Paris, Porte de Versailles".
 */
export function describeSource(source: Source, locale: DescriptionLocale = 'en', style: 'kind-first' | 'name-first' = 'kind-first'): string {
  const w = words(locale);
  const kind = sourceKindLabel(source.kind, locale);
  let text = style === 'kind-first' ? `${kind}${w.colon}${source.name}` : `${source.name} (${kind})`;
  if (source.place) text += style === 'kind-first' ? ` (${source.place})` : `, ${source.place}`;
  if (source.partner) text += `, ${w.via} ${source.partner}`;
  return text;
}

/** A personal value as shown to a reader: the value, or the redaction marker. */
export function showPersonal(value: string | RedactedValue, locale: DescriptionLocale): string {
  return isRedacted(value) ? words(locale).redacted : value;
}

/** A field value for a reader, quoted when it is text, cut at `maxLength` characters. */
export function showFieldValue(value: FieldValue | RedactedValue, locale: DescriptionLocale, maxLength = 200): string {
  if (isRedacted(value)) return words(locale).redacted;
  if (typeof value !== 'string') return String(value);
  const quoted = JSON.stringify(value);
  return quoted.length > maxLength ? `${quoted.slice(0, maxLength - 2)}…"` : quoted;
}

/**
 * The parts of a proof a reader needs to judge it, most telling first:
 * "double opt-in", "IP 192.0.2.1", "form v3", "wording shown", "document badge-scan-4411".
 * `detailed` adds the user agent, the form URL, the wording itself and the confirmation date.
 */
export function describeProof(proof: Proof | undefined, options: { locale: DescriptionLocale; detailed?: boolean; confirmed?: boolean }): string[] {
  const { locale, detailed = false } = options;
  const w = words(locale);
  const parts: string[] = [];
  if (proof?.doubleOptIn || options.confirmed) {
    let text = w.doubleOptIn;
    if (detailed && proof?.doubleOptIn) {
      text += ` ${formatDateTime(proof.doubleOptIn.confirmedAt)}`;
      if (proof.doubleOptIn.method) text += ` (${CONFIRMATION_METHOD_LABELS[locale][proof.doubleOptIn.method] ?? proof.doubleOptIn.method})`;
      if (proof.doubleOptIn.ip) text += `, ${w.ip} ${showPersonal(proof.doubleOptIn.ip, locale)}`;
    }
    parts.push(text);
  }
  if (!proof) return parts;
  // In short form the confirmation's IP stands in when the request itself has none.
  const ip = proof.ip ?? (detailed ? undefined : proof.doubleOptIn?.ip);
  if (ip) parts.push(`${w.ip} ${showPersonal(ip, locale)}`);
  if (detailed && proof.userAgent) parts.push(`${w.userAgent} ${showPersonal(proof.userAgent, locale)}`);
  if (proof.formVersion || proof.formUrl) {
    const version = proof.formVersion ? ` ${proof.formVersion}` : '';
    const url = proof.formUrl && (detailed || !proof.formVersion) ? ` ${proof.formVersion ? `(${proof.formUrl})` : proof.formUrl}` : '';
    parts.push(`${w.form}${version}${url}`);
  }
  if (proof.wording) parts.push(detailed ? `${w.wording}${w.colon}${JSON.stringify(proof.wording)}` : w.wording);
  if (proof.wordingHash) parts.push(`${w.wordingHash} ${detailed ? proof.wordingHash : `${proof.wordingHash.slice(0, 12)}…`}`);
  if (proof.documentRef) parts.push(`${w.document} ${proof.documentRef}`);
  return parts;
}

/** "staff Jane Doe (42)" */
export function describeActor(actor: Actor, locale: DescriptionLocale = 'en'): string {
  const kind = ACTOR_KIND_LABELS[locale][actor.kind] ?? actor.kind;
  const name = actor.name ?? actor.id;
  if (!name) return kind;
  return actor.name && actor.id ? `${kind} ${actor.name} (${actor.id})` : `${kind} ${name}`;
}

/** "2012-09-19 09:30:00 UTC" (the instant as stored, readable in any locale). */
export function formatDateTime(iso: string): string {
  // String operations rather than three regular expressions: this runs for every event a push encodes.
  const text = iso.replace('T', ' ');
  const whole = text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text;
  return whole.endsWith('Z') ? `${whole.slice(0, -1)} UTC` : whole;
}

// Building an Intl.DateTimeFormat costs far more than formatting with one: keep one per time zone.
const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day of an instant in a time zone, as YYYY-MM-DD. */
export function formatDay(iso: string, timeZone = 'UTC'): string {
  if (timeZone === 'UTC') return new Date(iso).toISOString().slice(0, 10);
  let formatter = dayFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(new Date(iso));
  const part = (type: string) => parts.find((item) => item.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
