/**
 * The words of the access report, in French and English. Templates hold `{placeholders}` that the
 * renderers fill with values already escaped (HTML) or isolated (text); the words themselves are trusted.
 */
import type { Actor, Channel, EventType, LawfulBasis, SourceKind } from '../model/event';
import type { ProofStrength } from '../state/subject-state';
import type { TrailIntegrityProblem } from '../errors';
import type { ReportLocale, ValueWords } from './report-format';

export interface AccessReportLabels {
  values: ValueWords;
  /** Between a term and its value. */
  colon: string;
  title: string;
  subjectTerm: string;
  controllerTerm: string;
  contactTerm: string;
  /** {date} */
  generatedLine: string;
  intro: string;
  /** {label} */
  sectionTitle: string;
  /** {count} {head}; singular and plural. */
  verifiedIntact: { one: string; other: string };
  verifiedEmpty: string;
  /** {index} {problem} */
  verificationFailed: string;
  problems: Record<TrailIntegrityProblem, string>;
  sourcesTitle: string;
  noSources: string;
  fieldsTitle: string;
  noFields: string;
  fieldColumn: string;
  valueColumn: string;
  originColumn: string;
  lastChangeColumn: string;
  /** {date} {source} */
  collectedOn: string;
  changesTitle: string;
  /** {from} {to} */
  changedFromTo: string;
  /** {source} */
  fromSource: string;
  /** {actor} */
  byActor: string;
  /** {reason} */
  reasonLine: string;
  consentsTitle: string;
  noConsents: string;
  /** {purpose} {channel} */
  consentTitle: string;
  /** {date} */
  grantedSince: string;
  /** {date} */
  withdrawnSince: string;
  /** {date} {source} */
  grantedOn: string;
  /** {date} {source} */
  confirmedOn: string;
  /** {date} {source} */
  renewedOn: string;
  /** {date} {source} */
  withdrawnOn: string;
  proofTitle: string;
  noProof: string;
  proof: {
    ip: string;
    userAgent: string;
    formUrl: string;
    formVersion: string;
    wording: string;
    wordingHash: string;
    documentRef: string;
    /** {date} */
    doubleOptIn: string;
    doubleOptInIp: string;
    methods: Record<'email-link' | 'sms-code' | 'other', string>;
  };
  strengthLabel: string;
  strengths: Record<ProofStrength, string>;
  lawfulBasisLabel: string;
  lawfulBases: Record<LawfulBasis, string>;
  historyTitle: string;
  /** {note} */
  notApplied: string;
  requestsTitle: string;
  restricted: string;
  eventTypes: Record<EventType, string>;
  sourceKinds: Record<SourceKind, string>;
  actorKinds: Record<Actor['kind'], string>;
  channels: Record<Channel, string>;
  source: { place: string; url: string; campaign: string; partner: string };
  /** Shown when the report covers no store at all. */
  footer: string;
}

const en: AccessReportLabels = {
  values: { erased: '[erased]', empty: '(empty)', yes: 'yes', no: 'no' },
  colon: ': ',
  title: 'Your personal data and where it came from',
  subjectTerm: 'About',
  controllerTerm: 'Held by',
  contactTerm: 'Contact',
  generatedLine: 'Report produced on {date}',
  intro:
    'This report lists the personal data held about you, where and when each item came from, every change made to it, and the consents you gave with the evidence kept for them (GDPR Article 15).',
  sectionTitle: 'Held in {label}',
  verifiedIntact: {
    one: 'Integrity check: the history of {count} entry is complete and unaltered (its fingerprint: {head}).',
    other: 'Integrity check: the history of {count} entries is complete and unaltered (fingerprint of the latest entry: {head}).',
  },
  verifiedEmpty: 'Integrity check: there is no history here.',
  verificationFailed: 'Integrity check failed at entry {index}: {problem} The history below is shown as it is stored.',
  problems: {
    'content-mismatch': 'its content was changed after it was recorded.',
    'chain-broken': 'an entry was inserted, removed or moved.',
    'subject-mismatch': 'the entry concerns someone else.',
    'duplicate-event': 'the entry appears twice.',
    'head-mismatch': 'entries are missing at the end.',
    'malformed-event': 'the entry is not in the expected form.',
  },
  sourcesTitle: 'Where your data came from',
  noSources: 'No source recorded.',
  fieldsTitle: 'Your data',
  noFields: 'No personal data recorded here.',
  fieldColumn: 'Item',
  valueColumn: 'Value held',
  originColumn: 'Collected',
  lastChangeColumn: 'Last change',
  collectedOn: '{date}, from {source}',
  changesTitle: 'History',
  changedFromTo: '{from} → {to}',
  fromSource: 'from {source}',
  byActor: 'by {actor}',
  reasonLine: 'reason: {reason}',
  consentsTitle: 'Your consents',
  noConsents: 'No consent recorded here.',
  consentTitle: '{purpose} — {channel}',
  grantedSince: 'Given, in force since {date}',
  withdrawnSince: 'Withdrawn since {date}',
  grantedOn: 'You opted in on {date}, {source}',
  confirmedOn: 'You confirmed on {date}, {source}',
  renewedOn: 'You renewed it on {date}, {source}',
  withdrawnOn: 'You withdrew it on {date}, {source}',
  proofTitle: 'Evidence kept',
  noProof: 'No evidence was recorded with this consent.',
  proof: {
    ip: 'IP address',
    userAgent: 'Browser',
    formUrl: 'Form',
    formVersion: 'Form version',
    wording: 'Wording you were shown',
    wordingHash: 'Fingerprint of the wording shown (SHA-256)',
    documentRef: 'Document reference',
    doubleOptIn: 'Confirmed by you (double opt-in) on {date}',
    doubleOptInIp: 'IP address of the confirmation',
    methods: { 'email-link': 'by a link in an email', 'sms-code': 'by a code sent by SMS', other: 'by other means' },
  },
  strengthLabel: 'Strength of the evidence',
  strengths: {
    'double-opt-in': 'confirmed by you (double opt-in)',
    'single-opt-in': 'recorded with evidence, not confirmed (single opt-in)',
    'no-proof': 'no evidence recorded',
  },
  lawfulBasisLabel: 'Legal basis',
  lawfulBases: {
    consent: 'your consent',
    contract: 'a contract with you',
    'legal-obligation': 'a legal obligation',
    'vital-interests': 'vital interests',
    'public-task': 'a public task',
    'legitimate-interests': 'legitimate interests',
  },
  historyTitle: 'History',
  notApplied: 'no effect: {note}',
  requestsTitle: 'Your requests',
  restricted: 'Processing of your data is restricted (GDPR Article 18).',
  eventTypes: {
    'data.collected': 'collected',
    'data.updated': 'changed',
    'data.rectified': 'corrected',
    'data.erased': 'erased',
    'consent.given': 'opt-in',
    'consent.confirmed': 'confirmation (double opt-in)',
    'consent.renewed': 'renewal',
    'consent.withdrawn': 'withdrawal',
    'subject.access-requested': 'request for access to your data',
    'subject.erasure-requested': 'request for erasure of your data',
    'processing.restricted': 'restriction of processing',
  },
  sourceKinds: {
    event: 'event',
    'web-form': 'web form',
    import: 'file import',
    purchase: 'purchase',
    'paper-form': 'paper form',
    phone: 'phone call',
    api: 'connected application',
    'crm-user': 'entered by our staff',
    'crm-automation': 'automated process',
    partner: 'partner',
    subject: 'yourself',
    other: 'other',
  },
  actorKinds: { subject: 'you', staff: 'a staff member', system: 'an automated system', integration: 'a connected application' },
  channels: { email: 'email', sms: 'SMS', phone: 'phone', postal: 'post', push: 'push notifications', messaging: 'messaging', any: 'all channels' },
  source: { place: 'place', url: 'address', campaign: 'campaign', partner: 'partner' },
  footer: 'To have an item corrected or erased, or to withdraw a consent, reply to the contact above.',
};

const fr: AccessReportLabels = {
  values: { erased: '[effacé]', empty: '(vide)', yes: 'oui', no: 'non' },
  colon: '\u00a0: ',
  title: 'Vos données personnelles et leur provenance',
  subjectTerm: 'Concernant',
  controllerTerm: 'Responsable du traitement',
  contactTerm: 'Contact',
  generatedLine: 'Rapport établi le {date}',
  intro:
    'Ce rapport recense les données personnelles détenues à votre sujet, leur provenance et leur date, chaque modification qui leur a été apportée, ainsi que les consentements que vous avez donnés et les preuves conservées (article 15 du RGPD).',
  sectionTitle: 'Données détenues dans {label}',
  verifiedIntact: {
    one: "Contrôle d'intégrité : l'historique, d'une seule entrée, est complet et inaltéré (empreinte : {head}).",
    other: "Contrôle d'intégrité : l'historique de {count} entrées est complet et inaltéré (empreinte de la dernière entrée : {head}).",
  },
  verifiedEmpty: "Contrôle d'intégrité : aucun historique ici.",
  verificationFailed: "Contrôle d'intégrité en échec à l'entrée {index} : {problem} L'historique ci-dessous est présenté tel qu'il est conservé.",
  problems: {
    'content-mismatch': 'son contenu a été modifié après son enregistrement.',
    'chain-broken': 'une entrée a été ajoutée, supprimée ou déplacée.',
    'subject-mismatch': "l'entrée concerne une autre personne.",
    'duplicate-event': "l'entrée figure deux fois.",
    'head-mismatch': 'des entrées manquent à la fin.',
    'malformed-event': "l'entrée n'a pas la forme attendue.",
  },
  sourcesTitle: 'Provenance de vos données',
  noSources: 'Aucune provenance enregistrée.',
  fieldsTitle: 'Vos données',
  noFields: 'Aucune donnée personnelle enregistrée ici.',
  fieldColumn: 'Donnée',
  valueColumn: 'Valeur détenue',
  originColumn: 'Collecte',
  lastChangeColumn: 'Dernière modification',
  collectedOn: '{date}, provenance : {source}',
  changesTitle: 'Historique',
  changedFromTo: '{from} → {to}',
  fromSource: 'provenance : {source}',
  byActor: 'par {actor}',
  reasonLine: 'motif : {reason}',
  consentsTitle: 'Vos consentements',
  noConsents: 'Aucun consentement enregistré ici.',
  consentTitle: '{purpose} — {channel}',
  grantedSince: 'Donné, en vigueur depuis le {date}',
  withdrawnSince: 'Retiré depuis le {date}',
  grantedOn: 'Vous avez donné votre accord le {date}, provenance : {source}',
  confirmedOn: 'Vous avez confirmé le {date}, provenance : {source}',
  renewedOn: 'Vous avez renouvelé votre accord le {date}, provenance : {source}',
  withdrawnOn: 'Vous avez retiré votre accord le {date}, provenance : {source}',
  proofTitle: 'Preuves conservées',
  noProof: "Aucune preuve n'a été enregistrée avec ce consentement.",
  proof: {
    ip: 'Adresse IP',
    userAgent: 'Navigateur',
    formUrl: 'Formulaire',
    formVersion: 'Version du formulaire',
    wording: 'Texte qui vous a été présenté',
    wordingHash: 'Empreinte du texte présenté (SHA-256)',
    documentRef: 'Référence du document',
    doubleOptIn: 'Confirmé par vous (double opt-in) le {date}',
    doubleOptInIp: 'Adresse IP de la confirmation',
    methods: { 'email-link': 'par un lien reçu par e-mail', 'sms-code': 'par un code reçu par SMS', other: 'par un autre moyen' },
  },
  strengthLabel: 'Force de la preuve',
  strengths: {
    'double-opt-in': 'confirmé par vous (double opt-in)',
    'single-opt-in': 'enregistré avec preuve, sans confirmation (opt-in simple)',
    'no-proof': 'aucune preuve enregistrée',
  },
  lawfulBasisLabel: 'Base légale',
  lawfulBases: {
    consent: 'votre consentement',
    contract: 'un contrat avec vous',
    'legal-obligation': 'une obligation légale',
    'vital-interests': 'la sauvegarde des intérêts vitaux',
    'public-task': "une mission d'intérêt public",
    'legitimate-interests': 'un intérêt légitime',
  },
  historyTitle: 'Historique',
  notApplied: 'sans effet : {note}',
  requestsTitle: 'Vos demandes',
  restricted: 'Le traitement de vos données est limité (article 18 du RGPD).',
  eventTypes: {
    'data.collected': 'collecte',
    'data.updated': 'modification',
    'data.rectified': 'rectification',
    'data.erased': 'effacement',
    'consent.given': 'accord',
    'consent.confirmed': 'confirmation (double opt-in)',
    'consent.renewed': 'renouvellement',
    'consent.withdrawn': 'retrait',
    'subject.access-requested': "demande d'accès à vos données",
    'subject.erasure-requested': "demande d'effacement de vos données",
    'processing.restricted': 'limitation du traitement',
  },
  sourceKinds: {
    event: 'événement',
    'web-form': 'formulaire web',
    import: 'import de fichier',
    purchase: 'achat',
    'paper-form': 'formulaire papier',
    phone: 'appel téléphonique',
    api: 'application connectée',
    'crm-user': 'saisie par notre équipe',
    'crm-automation': 'traitement automatisé',
    partner: 'partenaire',
    subject: 'vous-même',
    other: 'autre',
  },
  actorKinds: { subject: 'vous', staff: 'un membre de notre équipe', system: 'un système automatisé', integration: 'une application connectée' },
  channels: { email: 'e-mail', sms: 'SMS', phone: 'téléphone', postal: 'courrier', push: 'notifications push', messaging: 'messagerie', any: 'tous canaux' },
  source: { place: 'lieu', url: 'adresse', campaign: 'campagne', partner: 'partenaire' },
  footer: 'Pour faire rectifier ou effacer une donnée, ou retirer un consentement, adressez-vous au contact indiqué ci-dessus.',
};

export const ACCESS_REPORT_LABELS: Record<ReportLocale, AccessReportLabels> = { fr, en };
