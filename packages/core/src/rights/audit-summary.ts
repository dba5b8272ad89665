import type { TrailIntegrityProblem } from '../errors';
import type { ProofStrength } from '../state/subject-state';
import type { AuditReport } from './audit';
import { checkReportLocale, createDateFormatter, createNumberFormatter, textInline, type ReportLocale } from './report-format';

/** A sentence in its singular and plural forms, chosen with `Intl.PluralRules` (French 0 and 1 are singular). */
interface Plural {
  one: string;
  other: string;
}

interface AuditLabels {
  colon: string;
  /** {count} {date} */
  title: Plural;
  /** {scope} */
  scope: string;
  allPurposes: string;
  allChannels: string;
  /** {count} */
  noTraceableOptIn: Plural;
  /** {none} {noProof} */
  noTraceableOptInDetail: string;
  /** {count} {months} {date} */
  repermission: Plural;
  /** {count} */
  strengthTitle: Plural;
  strengths: Record<ProofStrength, string>;
  /** {count} {consents} */
  withdrawn: Plural;
  /** {count} */
  brokenChains: Plural;
  brokenChainsNone: string;
  problems: Record<TrailIntegrityProblem, string>;
  /** {index} {problem} */
  atEntry: string;
  /** {count} */
  erased: Plural;
  /** {count} */
  restricted: Plural;
  /** {count} */
  erasurePending: Plural;
  examples: string;
  noProofReason: string;
  noConsentReason: string;
  /** {date} */
  lastConfirmed: string;
  /** {count} */
  more: string;
}

const en: AuditLabels = {
  colon: ': ',
  title: { one: 'Consent audit of {count} contact on {date}', other: 'Consent audit of {count} contacts on {date}' },
  scope: 'Scope: {scope}',
  allPurposes: 'every purpose',
  allChannels: 'every channel',
  noTraceableOptIn: {
    one: 'No traceable opt-in: {count} contact could be written to without any evidence of consent',
    other: 'No traceable opt-in: {count} contacts could be written to without any evidence of consent',
  },
  noTraceableOptInDetail: '{none} with no consent recorded, {noProof} with an opt-in recorded without evidence',
  repermission: {
    one: 'Re-permission candidates: {count} consent was last given, confirmed or renewed more than {months} months ago (before {date})',
    other: 'Re-permission candidates: {count} consents were last given, confirmed or renewed more than {months} months ago (before {date})',
  },
  strengthTitle: { one: 'Evidence of the {count} consent in force:', other: 'Evidence of the {count} consents in force:' },
  strengths: { 'double-opt-in': 'confirmed by double opt-in', 'single-opt-in': 'recorded with evidence, not confirmed', 'no-proof': 'no evidence' },
  withdrawn: {
    one: 'Withdrawn: {count} contact has withdrawn every consent in scope ({consents} withdrawn consents in all)',
    other: 'Withdrawn: {count} contacts have withdrawn every consent in scope ({consents} withdrawn consents in all)',
  },
  brokenChains: {
    one: 'Broken chains: {count} trail does not verify and may have been tampered with',
    other: 'Broken chains: {count} trails do not verify and may have been tampered with',
  },
  brokenChainsNone: 'Broken chains: none, every trail verifies',
  problems: {
    'content-mismatch': 'an entry was edited',
    'chain-broken': 'an entry was inserted, removed or moved',
    'subject-mismatch': 'an entry belongs to someone else',
    'duplicate-event': 'an entry appears twice',
    'head-mismatch': 'entries are missing at the end',
    'malformed-event': 'an entry is malformed',
  },
  atEntry: 'entry {index}: {problem}',
  erased: { one: 'Erased: {count} person (not counted elsewhere)', other: 'Erased: {count} people (not counted elsewhere)' },
  restricted: { one: 'Processing restricted: {count} contact', other: 'Processing restricted: {count} contacts' },
  erasurePending: { one: 'Erasure requested but not carried out yet: {count} contact', other: 'Erasure requested but not carried out yet: {count} contacts' },
  examples: 'e.g.',
  noProofReason: 'opt-in without evidence',
  noConsentReason: 'nothing recorded',
  lastConfirmed: 'last confirmed {date}',
  more: 'and {count} more',
};

const fr: AuditLabels = {
  colon: '\u00a0: ',
  title: { one: 'Audit des consentements de {count} contact au {date}', other: 'Audit des consentements de {count} contacts au {date}' },
  scope: 'Périmètre : {scope}',
  allPurposes: 'toutes finalités',
  allChannels: 'tous canaux',
  noTraceableOptIn: {
    one: 'Sans consentement traçable : {count} contact pourrait être sollicité sans aucune preuve de consentement',
    other: 'Sans consentement traçable : {count} contacts pourraient être sollicités sans aucune preuve de consentement',
  },
  noTraceableOptInDetail: '{none} sans aucun consentement enregistré, {noProof} avec un accord enregistré sans preuve',
  repermission: {
    one: 'À solliciter de nouveau : {count} consentement donné, confirmé ou renouvelé pour la dernière fois il y a plus de {months} mois (avant le {date})',
    other: 'À solliciter de nouveau : {count} consentements donnés, confirmés ou renouvelés pour la dernière fois il y a plus de {months} mois (avant le {date})',
  },
  strengthTitle: { one: 'Preuves du consentement en vigueur ({count}) :', other: 'Preuves des {count} consentements en vigueur :' },
  strengths: { 'double-opt-in': 'confirmés par double opt-in', 'single-opt-in': 'enregistrés avec preuve, sans confirmation', 'no-proof': 'sans preuve' },
  withdrawn: {
    one: 'Retraits : {count} contact a retiré tous ses consentements du périmètre ({consents} consentement(s) retiré(s) au total)',
    other: 'Retraits : {count} contacts ont retiré tous leurs consentements du périmètre ({consents} consentement(s) retiré(s) au total)',
  },
  brokenChains: {
    one: 'Chaînes rompues : {count} historique ne se vérifie pas et a pu être altéré',
    other: 'Chaînes rompues : {count} historiques ne se vérifient pas et ont pu être altérés',
  },
  brokenChainsNone: 'Chaînes rompues : aucune, tous les historiques se vérifient',
  problems: {
    'content-mismatch': 'une entrée a été modifiée',
    'chain-broken': 'une entrée a été ajoutée, supprimée ou déplacée',
    'subject-mismatch': 'une entrée concerne une autre personne',
    'duplicate-event': 'une entrée figure deux fois',
    'head-mismatch': 'des entrées manquent à la fin',
    'malformed-event': "une entrée n'a pas la forme attendue",
  },
  atEntry: 'entrée {index} : {problem}',
  erased: { one: 'Personnes effacées : {count} (non comptée ailleurs)', other: 'Personnes effacées : {count} (non comptées ailleurs)' },
  restricted: { one: 'Traitement limité : {count} contact', other: 'Traitement limité : {count} contacts' },
  erasurePending: { one: 'Effacement demandé mais pas encore effectué : {count} contact', other: 'Effacement demandé mais pas encore effectué : {count} contacts' },
  examples: 'p. ex.',
  noProofReason: 'accord sans preuve',
  noConsentReason: 'rien d’enregistré',
  lastConfirmed: 'dernière confirmation le {date}',
  more: 'et {count} autres',
};

const LABELS: Record<ReportLocale, AuditLabels> = { fr, en };

export interface AuditSummaryOptions {
  locale: ReportLocale;
  /** IANA time zone for the dates; default `UTC`. */
  timeZone?: string;
}

/**
 * The audit as a short readable text in French or English: one line per finding, with the
 * examples the report kept. Addresses are shown as they are (the audit is an internal document),
 * isolated so a right-to-left address does not reorder the line.
 */
export function renderAuditSummary(report: AuditReport, options: AuditSummaryOptions): string {
  const labels = LABELS[checkReportLocale(options.locale)];
  const day = createDateFormatter(options.locale, options.timeZone, 'day');
  const number = createNumberFormatter(options.locale);
  const formatPercent = createNumberFormatter(options.locale, 'percent');
  const fill = (template: string, values: Record<string, string>) => template.replace(/\{([a-zA-Z]+)\}/g, (_, key: string) => values[key] ?? '');
  const pluralRules = new Intl.PluralRules(options.locale);
  const count = (sentence: Plural, value: number, values: Record<string, string> = {}) =>
    fill(pluralRules.select(value) === 'one' ? sentence.one : sentence.other, { count: number(value), ...values });
  const examples = (items: string[], total: number) => {
    if (items.length === 0) return '';
    const rest = total - items.length;
    return `\n    ${labels.examples} ${items.join(', ')}${rest > 0 ? `, ${fill(labels.more, { count: number(rest) })}` : ''}`;
  };

  const lines: string[] = [];
  lines.push(count(labels.title, report.trails, { date: day(report.generatedAt) }));
  const scope = [report.scope.purpose !== undefined ? textInline(report.scope.purpose) : labels.allPurposes, report.scope.channel ?? labels.allChannels].join(', ');
  lines.push(fill(labels.scope, { scope }));
  lines.push('');

  const missing = report.noTraceableOptIn;
  lines.push(
    `- ${count(labels.noTraceableOptIn, missing.count)} (${fill(labels.noTraceableOptInDetail, { none: number(missing.withoutAnyConsent), noProof: number(missing.withoutProof) })})${examples(
      missing.examples.map((example) => `${textInline(example.subject)} (${example.reason === 'no-proof' ? labels.noProofReason : labels.noConsentReason})`),
      missing.count,
    )}`,
  );
  lines.push(
    `- ${count(labels.repermission, report.repermission.count, { months: number(report.scope.repermissionAfterMonths), date: day(report.repermissionCutoff) })}${examples(
      report.repermission.examples.map((example) => `${textInline(example.subject)} (${textInline(example.purpose)}/${example.channel}, ${fill(labels.lastConfirmed, { date: day(example.lastConfirmedAt) })})`),
      report.repermission.count,
    )}`,
  );
  const inForce = report.consents.granted;
  const percent = (count: number) => (inForce === 0 ? '' : ` (${formatPercent(count / inForce)})`);
  lines.push(`- ${count(labels.strengthTitle, inForce)}`);
  for (const strength of ['double-opt-in', 'single-opt-in', 'no-proof'] as const) {
    lines.push(`    ${labels.strengths[strength]}${labels.colon}${number(report.proofStrength[strength])}${percent(report.proofStrength[strength])}`);
  }
  lines.push(`- ${count(labels.withdrawn, report.withdrawnContacts, { consents: number(report.consents.withdrawn) })}`);
  lines.push(
    report.brokenChains.count === 0
      ? `- ${labels.brokenChainsNone}`
      : `- ${count(labels.brokenChains, report.brokenChains.count)}${examples(
          report.brokenChains.examples.map((example) => `${textInline(example.subject)} (${fill(labels.atEntry, { index: number(example.index + 1), problem: labels.problems[example.problem] ?? example.problem })})`),
          report.brokenChains.count,
        )}`,
  );
  if (report.erased > 0) lines.push(`- ${count(labels.erased, report.erased)}`);
  if (report.restricted > 0) lines.push(`- ${count(labels.restricted, report.restricted)}`);
  if (report.erasurePending > 0) lines.push(`- ${count(labels.erasurePending, report.erasurePending)}`);
  return `${lines.join('\n')}\n`;
}
