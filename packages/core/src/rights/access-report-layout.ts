/**
 * Lays an access report out as a document (see report-document.ts), once for both outputs.
 * Every value that came from a trail goes through the mode's data rendering (escaped and isolated
 * in HTML, isolated in text); only the labels of access-report-labels.ts are trusted.
 */
import type { Actor, Proof, Source } from '../model/event';
import { isRedacted } from '../model/event';
import { ACCESS_REPORT_LABELS, type AccessReportLabels } from './access-report-labels';
import type { AccessReport, AccessReportChange, AccessReportConsent, AccessReportConsentEvent, AccessReportField, AccessReportOrigin, AccessReportSection } from './access-report';
import type { FactItem, ReportBlock } from './report-document';
import {
  checkReportLocale,
  createDateFormatter,
  createNumberFormatter,
  dataValue,
  fillTemplate,
  labelValue,
  renderFieldValue,
  renderPersonalString,
  type RenderMode,
  type ReportLocale,
} from './report-format';

export interface AccessReportRenderOptions {
  locale: ReportLocale;
  /** IANA time zone the dates are shown in, e.g. `Europe/Paris`. Default `UTC`. */
  timeZone?: string;
  /** Names a person understands for the neutral field names: `{ firstName: 'Prénom' }`. */
  fieldNames?: Record<string, string>;
  /** Names for purpose keys: `{ newsletter: 'La lettre mensuelle' }`. */
  purposeNames?: Record<string, string>;
}

/** Renders the pieces of a report in one mode and locale. */
export interface ReportPhrases {
  labels: AccessReportLabels;
  mode: RenderMode;
  fill(template: string, values: Record<string, string>): string;
  /** The singular or plural sentence for `count`, by the locale's plural rules. */
  plural(sentence: { one: string; other: string }, count: number): string;
  label(text: string): string;
  data(text: string): string;
  date(iso: string): string;
  number(value: number): string;
  source(source: Source): string;
  actor(actor: Actor): string;
  fieldName(name: string): string;
  purpose(purpose: string): string;
  channel(channel: string): string;
  eventType(type: string): string;
}

export function createReportPhrases(options: AccessReportRenderOptions, mode: RenderMode): ReportPhrases {
  const locale = checkReportLocale(options.locale);
  const labels = ACCESS_REPORT_LABELS[locale];
  const formatDate = createDateFormatter(locale, options.timeZone);
  const formatNumber = createNumberFormatter(locale);
  const data = (text: string) => dataValue(text, mode);
  const label = (text: string) => labelValue(text, mode);
  // Records read back from a store that does not verify may hold unknown kinds: show them as data.
  const known = <K extends string>(table: Record<K, string>, key: string) => (Object.hasOwn(table, key) ? label(table[key as K]) : data(String(key)));
  return {
    labels,
    mode,
    fill: (template, values) => fillTemplate(template, values, mode),
    plural: (sentence, count) => (new Intl.PluralRules(locale).select(count) === 'one' ? sentence.one : sentence.other),
    label,
    data,
    date: (iso) => label(formatDate(iso)),
    number: (value) => label(formatNumber(value)),
    source(source) {
      const details = [known(labels.sourceKinds, source.kind)];
      if (source.place) details.push(data(source.place));
      if (source.url) details.push(`${label(labels.source.url)} ${data(source.url)}`);
      if (source.campaign) details.push(`${label(labels.source.campaign)} ${data(source.campaign)}`);
      if (source.partner) details.push(`${label(labels.source.partner)} ${data(source.partner)}`);
      return `${data(source.name ?? '')} (${details.join(label(', '))})`;
    },
    actor(actor) {
      const kind = known(labels.actorKinds, actor.kind);
      if (actor.kind === 'subject') return kind;
      const who = actor.name ?? actor.id;
      return who ? `${kind} (${data(who)})` : kind;
    },
    // Caller-given names may be in any script: rendered like data, isolated.
    fieldName: (name) => data(options.fieldNames && Object.hasOwn(options.fieldNames, name) ? options.fieldNames[name]! : name),
    purpose: (purpose) => data(options.purposeNames && Object.hasOwn(options.purposeNames, purpose) ? options.purposeNames[purpose]! : purpose),
    channel: (channel) => known(labels.channels, channel),
    eventType: (type) => known(labels.eventTypes, type),
  };
}

/** The whole report as blocks: header, then one section per store. */
export function layoutAccessReport(report: AccessReport, phrases: ReportPhrases): { title: string; blocks: ReportBlock[] } {
  const { labels, fill } = phrases;
  const header: ReportBlock[] = [
    { kind: 'heading', level: 1, text: phrases.label(labels.title) },
    {
      kind: 'facts',
      items: [
        { term: phrases.label(labels.subjectTerm), value: phrases.data(report.subject) },
        ...(report.controller
          ? [
              { term: phrases.label(labels.controllerTerm), value: phrases.data(report.controller.name) },
              { term: phrases.label(labels.contactTerm), value: phrases.data(report.controller.contact) },
            ]
          : []),
      ],
    },
    { kind: 'paragraph', text: fill(labels.generatedLine, { date: phrases.date(report.generatedAt) }), tone: 'note' },
    { kind: 'paragraph', text: phrases.label(labels.intro) },
  ];
  const sections = report.sections.map((section) => ({ kind: 'section' as const, children: layoutSection(section, phrases) }));
  const footer: ReportBlock[] = report.controller ? [{ kind: 'paragraph', text: phrases.label(labels.footer), tone: 'note' }] : [];
  return { title: labels.title, blocks: [...header, ...sections, ...footer] };
}

function layoutSection(section: AccessReportSection, phrases: ReportPhrases): ReportBlock[] {
  const { labels, fill } = phrases;
  const blocks: ReportBlock[] = [{ kind: 'heading', level: 2, text: fill(labels.sectionTitle, { label: phrases.data(section.label) }) }];
  const verification = section.verification;
  if (verification.valid) {
    blocks.push({
      kind: 'paragraph',
      tone: 'ok',
      text:
        verification.length === 0
          ? phrases.label(labels.verifiedEmpty)
          : fill(phrases.plural(labels.verifiedIntact, verification.length), { count: phrases.number(verification.length), head: phrases.data(shortHash(verification.head)) }),
    });
  } else {
    const problem = Object.hasOwn(labels.problems, verification.problem) ? phrases.label(labels.problems[verification.problem]) : phrases.data(String(verification.problem));
    blocks.push({ kind: 'paragraph', tone: 'warning', text: fill(labels.verificationFailed, { index: phrases.number(verification.index + 1), problem }) });
  }
  if (section.restricted) blocks.push({ kind: 'paragraph', tone: 'warning', text: phrases.label(labels.restricted) });

  blocks.push({ kind: 'heading', level: 3, text: phrases.label(labels.sourcesTitle) });
  blocks.push(
    section.sources.length > 0
      ? { kind: 'list', items: section.sources.map((source) => ({ text: phrases.source(source) })) }
      : { kind: 'paragraph', text: phrases.label(labels.noSources) },
  );

  blocks.push({ kind: 'heading', level: 3, text: phrases.label(labels.fieldsTitle) });
  blocks.push(
    section.fields.length > 0
      ? {
          kind: 'table',
          columns: [labels.fieldColumn, labels.valueColumn, labels.originColumn, labels.lastChangeColumn].map(phrases.label),
          rows: section.fields.map((field) => layoutField(field, phrases)),
        }
      : { kind: 'paragraph', text: phrases.label(labels.noFields) },
  );

  blocks.push({ kind: 'heading', level: 3, text: phrases.label(labels.consentsTitle) });
  if (section.consents.length === 0) blocks.push({ kind: 'paragraph', text: phrases.label(labels.noConsents) });
  for (const consent of section.consents) blocks.push({ kind: 'section', indent: true, children: layoutConsent(consent, phrases) });

  if (section.requests.length > 0) {
    blocks.push({ kind: 'heading', level: 3, text: phrases.label(labels.requestsTitle) });
    blocks.push({ kind: 'list', items: section.requests.map((request) => ({ text: eventLine(request, phrases.eventType(request.type), phrases) })) });
  }
  return blocks;
}

function layoutField(field: AccessReportField, phrases: ReportPhrases) {
  const { labels, fill } = phrases;
  const originText = (origin: AccessReportOrigin) => fill(labels.collectedOn, { date: phrases.date(origin.at), source: phrases.source(origin.source) });
  return {
    cells: [
      phrases.fieldName(field.name),
      renderFieldValue(field.erased ? undefined : field.value, labels.values, phrases.mode),
      originText(field.origin),
      field.lastChange.eventId === field.origin.eventId ? '—' : originText(field.lastChange),
    ],
    details: [
      { kind: 'paragraph' as const, text: phrases.label(labels.changesTitle) },
      { kind: 'list' as const, items: field.changes.map((change) => ({ text: changeLine(change, phrases) })) },
    ],
  };
}

/** "19 September 2012 at 11:30 CEST — corrected: Camile → Camille — from … — by … — reason: …" */
function changeLine(change: AccessReportChange, phrases: ReportPhrases): string {
  const { labels, fill, mode } = phrases;
  let what = phrases.eventType(change.type);
  if (change.type !== 'data.erased') {
    const value = renderFieldValue(change.value, labels.values, mode);
    what +=
      change.previousValue !== undefined
        ? `${phrases.label(labels.colon)}${fill(labels.changedFromTo, { from: renderFieldValue(change.previousValue, labels.values, mode), to: value })}`
        : `${phrases.label(labels.colon)}${value}`;
  }
  return eventLine(change, what, phrases, change.reason);
}

function eventLine(origin: AccessReportOrigin, what: string, phrases: ReportPhrases, reason?: string): string {
  const { labels, fill } = phrases;
  const parts = [phrases.date(origin.at), what, fill(labels.fromSource, { source: phrases.source(origin.source) })];
  if (origin.actor) parts.push(fill(labels.byActor, { actor: phrases.actor(origin.actor) }));
  if (reason) parts.push(fill(labels.reasonLine, { reason: phrases.data(reason) }));
  return parts.join(phrases.label(' — '));
}

function layoutConsent(consent: AccessReportConsent, phrases: ReportPhrases): ReportBlock[] {
  const { labels, fill } = phrases;
  const blocks: ReportBlock[] = [
    { kind: 'heading', level: 4, text: fill(labels.consentTitle, { purpose: phrases.purpose(consent.purpose), channel: phrases.channel(consent.channel) }) },
    {
      kind: 'paragraph',
      tone: consent.status === 'granted' ? 'ok' : 'note',
      text: fill(consent.status === 'granted' ? labels.grantedSince : labels.withdrawnSince, { date: phrases.date(consent.since) }),
    },
  ];
  const steps: string[] = [];
  const step = (template: string, origin: AccessReportOrigin | undefined) => {
    if (origin) steps.push(fill(template, { date: phrases.date(origin.at), source: phrases.source(origin.source) }));
  };
  step(labels.grantedOn, consent.granted);
  // A double opt-in recorded on the opt-in event itself is shown with the proof, not as a second step.
  if (consent.confirmed?.eventId !== consent.granted?.eventId) step(labels.confirmedOn, consent.confirmed);
  step(labels.renewedOn, consent.renewed);
  step(labels.withdrawnOn, consent.withdrawn);
  if (consent.withdrawn?.reason) steps[steps.length - 1] += `${phrases.label(' — ')}${fill(labels.reasonLine, { reason: phrases.data(consent.withdrawn.reason) })}`;
  if (steps.length > 0) blocks.push({ kind: 'list', items: steps.map((text) => ({ text })) });

  if (consent.status === 'granted') {
    const proofItems = [...proofFacts(consent.granted?.proof, phrases), ...proofFacts(consent.confirmed?.proof, phrases, consent.granted?.proof)];
    blocks.push({ kind: 'paragraph', text: phrases.label(labels.proofTitle) });
    blocks.push(proofItems.length > 0 ? { kind: 'facts', items: proofItems } : { kind: 'paragraph', text: phrases.label(labels.noProof), tone: 'warning' });
  }
  blocks.push({
    kind: 'facts',
    items: [
      ...(consent.status === 'granted' ? [{ term: phrases.label(labels.strengthLabel), value: phrases.label(labels.strengths[consent.strength] ?? consent.strength) }] : []),
      { term: phrases.label(labels.lawfulBasisLabel), value: Object.hasOwn(labels.lawfulBases, consent.lawfulBasis) ? phrases.label(labels.lawfulBases[consent.lawfulBasis]) : phrases.data(consent.lawfulBasis) },
    ],
  });
  blocks.push({ kind: 'paragraph', text: phrases.label(labels.historyTitle) });
  blocks.push({ kind: 'list', items: consent.history.map((entry) => ({ text: consentEventLine(entry, phrases) })) });
  return blocks;
}

function consentEventLine(entry: AccessReportConsentEvent, phrases: ReportPhrases): string {
  const line = eventLine(entry, phrases.eventType(entry.type), phrases);
  if (entry.applied) return line;
  return `${line}${phrases.label(' — ')}${phrases.fill(phrases.labels.notApplied, { note: phrases.data(entry.note ?? '') })}`;
}

/** The proof of an event as facts; `skip` drops what an earlier proof already showed. */
function proofFacts(proof: Proof | undefined, phrases: ReportPhrases, skip?: Proof): FactItem[] {
  if (!proof) return [];
  const { labels, mode } = phrases;
  const same = (key: keyof Proof) => skip !== undefined && JSON.stringify(skip[key]) === JSON.stringify(proof[key]);
  const items: FactItem[] = [];
  const term = (text: string) => phrases.label(text);
  if (proof.ip !== undefined && !same('ip')) items.push({ term: term(labels.proof.ip), value: renderPersonalString(proof.ip, labels.values, mode) });
  if (proof.userAgent !== undefined && !same('userAgent')) items.push({ term: term(labels.proof.userAgent), value: renderPersonalString(proof.userAgent, labels.values, mode) });
  if (proof.formUrl && !same('formUrl')) items.push({ term: term(labels.proof.formUrl), value: phrases.data(proof.formUrl) });
  if (proof.formVersion && !same('formVersion')) items.push({ term: term(labels.proof.formVersion), value: phrases.data(proof.formVersion) });
  if (proof.wording && !same('wording')) items.push({ term: term(labels.proof.wording), rawBlock: proof.wording });
  if (proof.wordingHash && !same('wordingHash')) items.push({ term: term(labels.proof.wordingHash), value: phrases.data(proof.wordingHash) });
  if (proof.documentRef && !same('documentRef')) items.push({ term: term(labels.proof.documentRef), value: phrases.data(proof.documentRef) });
  if (proof.doubleOptIn && !same('doubleOptIn')) {
    items.push({ term: phrases.fill(labels.proof.doubleOptIn, { date: phrases.date(proof.doubleOptIn.confirmedAt) }), value: doubleOptInMethod(proof.doubleOptIn.method, phrases) });
    if (proof.doubleOptIn.ip !== undefined) {
      items.push({ term: term(labels.proof.doubleOptInIp), value: isRedacted(proof.doubleOptIn.ip) ? phrases.label(labels.values.erased) : phrases.data(proof.doubleOptIn.ip) });
    }
  }
  return items;
}

function doubleOptInMethod(method: string | undefined, phrases: ReportPhrases): string {
  const methods = phrases.labels.proof.methods;
  if (method === undefined) return phrases.label(phrases.labels.values.yes);
  return Object.hasOwn(methods, method) ? phrases.label(methods[method as keyof typeof methods]) : phrases.data(method);
}

/** The first 16 hex digits: enough for a person to compare, the full head is in the JSON. */
function shortHash(hash: string | null): string {
  return hash ? `${hash.slice(0, 16)}…` : '—';
}
