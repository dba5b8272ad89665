/**
 * The consent audit over many trails: who may be written to without a traceable opt-in, whose
 * consent is old enough to ask again, how strong the evidence is, which trails were tampered with.
 * Streams: trails are folded one at a time and only counts and capped example lists are kept.
 */
import { ValidationError, type TrailIntegrityProblem } from '../errors';
import { CHANNELS, type Channel, type Trail } from '../model/event';
import { foldTrail, PROOF_STRENGTHS, type ConsentState, type ProofStrength } from '../state/subject-state';
import { verifyTrail } from '../trail/trail';
import { isErasedTrail } from './erased-trail';

/** Months after the latest opt-in, confirmation or renewal before asking again: the CNIL's guidance
 * keeps a prospect's data for 3 years after the last contact coming from them. */
export const DEFAULT_REPERMISSION_AFTER_MONTHS = 36;
/** Examples kept per list: enough to look into, small enough to stay in constant memory. */
export const DEFAULT_AUDIT_EXAMPLE_LIMIT = 20;

export interface AuditOptions {
  /** The audit date (ISO 8601). Core reads no clock: pass it. */
  now: string;
  /** Only consents for this purpose (e.g. `newsletter`); all purposes when omitted. */
  purpose?: string;
  /** Only consents on this channel (a consent for `any` channel counts too); all when omitted. */
  channel?: Channel;
  /** Re-permission after this many months; default 36 (CNIL guidance for prospects). */
  repermissionAfterMonths?: number;
  /** Examples kept per list; default 20. */
  exampleLimit?: number;
}

/** A contact with no traceable opt-in. */
export interface AuditContactExample {
  subject: string;
  /** `no-consent`: nothing recorded in scope; `no-proof`: an opt-in asserted without evidence. */
  reason: 'no-consent' | 'no-proof';
}

/** A consent to renew. */
export interface AuditRepermissionExample {
  subject: string;
  purpose: string;
  channel: Channel;
  /** The latest of opt-in, confirmation and renewal (ISO 8601). */
  lastConfirmedAt: string;
}

/** A trail that does not verify. */
export interface AuditBrokenChainExample {
  subject: string;
  problem: TrailIntegrityProblem;
  /** The first event that does not verify (0-based). */
  index: number;
  eventId?: string;
}

/** A count with the first few cases. */
export interface AuditList<T> {
  count: number;
  /** The first `exampleLimit` cases met, in input order. */
  examples: T[];
}

/** What the audit found. Plain JSON. */
export interface AuditReport {
  format: 'optintrail.audit-report/1';
  /** The audit date. */
  generatedAt: string;
  scope: { purpose?: string; channel?: Channel; repermissionAfterMonths: number };
  /** Consents last confirmed before this date are re-permission candidates. */
  repermissionCutoff: string;
  /** Trails read. */
  trails: number;
  /** Trails of erased subjects: counted here and nowhere else. */
  erased: number;
  /** Contacts with at least one consent in force (in scope). */
  contactsWithConsent: number;
  /**
   * Contacts you could write to without being able to show an opt-in: nothing in force in scope
   * and nothing withdrawn (`withoutAnyConsent`), or only opt-ins asserted without evidence
   * (`withoutProof`).
   */
  noTraceableOptIn: AuditList<AuditContactExample> & { withoutAnyConsent: number; withoutProof: number };
  /** Contacts whose every consent in scope is withdrawn. */
  withdrawnContacts: number;
  /** Consents in scope by status. */
  consents: { granted: number; withdrawn: number };
  /** Consents in force by strength of evidence. */
  proofStrength: Record<ProofStrength, number>;
  /** Consents in force whose latest opt-in, confirmation or renewal is before the cutoff. */
  repermission: AuditList<AuditRepermissionExample>;
  /** Trails that do not verify (still counted above, from what they hold). */
  brokenChains: AuditList<AuditBrokenChainExample> & { byProblem: Partial<Record<TrailIntegrityProblem, number>> };
  /** Contacts whose processing is restricted (Art. 18). */
  restricted: number;
  /** Contacts who asked for erasure whose trail is not erased yet. */
  erasurePending: number;
}

/** Adds trails one at a time; `report()` gives the totals so far. For workers sharing one audit. */
export interface AuditAccumulator {
  add(trail: Trail): void;
  report(): AuditReport;
}

export function createAuditAccumulator(options: AuditOptions): AuditAccumulator {
  const settings = checkOptions(options);
  const { limit, cutoff } = settings;
  const report: AuditReport = {
    format: 'optintrail.audit-report/1',
    generatedAt: settings.now,
    scope: {
      ...(options.purpose !== undefined ? { purpose: options.purpose } : {}),
      ...(options.channel !== undefined ? { channel: options.channel } : {}),
      repermissionAfterMonths: settings.months,
    },
    repermissionCutoff: cutoff,
    trails: 0,
    erased: 0,
    contactsWithConsent: 0,
    noTraceableOptIn: { count: 0, withoutAnyConsent: 0, withoutProof: 0, examples: [] },
    withdrawnContacts: 0,
    consents: { granted: 0, withdrawn: 0 },
    proofStrength: Object.fromEntries(PROOF_STRENGTHS.map((strength) => [strength, 0])) as Record<ProofStrength, number>,
    repermission: { count: 0, examples: [] },
    brokenChains: { count: 0, byProblem: {}, examples: [] },
    restricted: 0,
    erasurePending: 0,
  };
  const push = <T>(list: AuditList<T>, example: T) => {
    list.count += 1;
    if (list.examples.length < limit) list.examples.push(example);
  };

  return {
    add(trail) {
      report.trails += 1;
      const verification = verifyTrail(trail);
      if (!verification.valid) {
        const { problem, index, eventId } = verification.error;
        push(report.brokenChains, { subject: trail.subject, problem, index, ...(eventId ? { eventId } : {}) });
        report.brokenChains.byProblem[problem] = (report.brokenChains.byProblem[problem] ?? 0) + 1;
      }
      if (isErasedTrail(trail)) {
        report.erased += 1;
        return;
      }
      const state = foldTrail(trail);
      if (state.restricted) report.restricted += 1;
      if (state.erasureRequested) report.erasurePending += 1;
      const inScope = state.consents.filter((consent) => matchesScope(consent, options));
      const granted = inScope.filter((consent) => consent.status === 'granted');
      report.consents.granted += granted.length;
      report.consents.withdrawn += inScope.length - granted.length;
      for (const consent of granted) {
        report.proofStrength[consent.strength] += 1;
        const lastConfirmedAt = latestConfirmation(consent);
        if (lastConfirmedAt < cutoff) push(report.repermission, { subject: trail.subject, purpose: consent.purpose, channel: consent.channel, lastConfirmedAt });
      }
      if (granted.length > 0) report.contactsWithConsent += 1;
      if (inScope.length > 0 && granted.length === 0) {
        report.withdrawnContacts += 1;
        return;
      }
      if (granted.length === 0) {
        report.noTraceableOptIn.withoutAnyConsent += 1;
        push(report.noTraceableOptIn, { subject: trail.subject, reason: 'no-consent' });
      } else if (granted.every((consent) => consent.strength === 'no-proof')) {
        report.noTraceableOptIn.withoutProof += 1;
        push(report.noTraceableOptIn, { subject: trail.subject, reason: 'no-proof' });
      }
    },
    report: () => structuredClone(report),
  };
}

/**
 * Audits many trails (an array, a generator, a stream of pulled trails) in constant memory.
 * Pure apart from iterating the input: the date comes from `options.now`.
 */
export async function auditTrails(trails: AsyncIterable<Trail> | Iterable<Trail>, options: AuditOptions): Promise<AuditReport> {
  const accumulator = createAuditAccumulator(options);
  for await (const trail of trails) accumulator.add(trail);
  return accumulator.report();
}

function checkOptions(options: AuditOptions) {
  const date = new Date(options.now);
  if (typeof options.now !== 'string' || Number.isNaN(date.getTime())) throw new ValidationError([{ path: 'now', reason: 'must be an ISO 8601 date-time' }]);
  const months = options.repermissionAfterMonths ?? DEFAULT_REPERMISSION_AFTER_MONTHS;
  if (!Number.isInteger(months) || months < 1) throw new ValidationError([{ path: 'repermissionAfterMonths', reason: 'must be a whole number of months, at least 1' }]);
  const limit = options.exampleLimit ?? DEFAULT_AUDIT_EXAMPLE_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) throw new ValidationError([{ path: 'exampleLimit', reason: 'must be a whole number, 0 or more' }]);
  if (options.channel !== undefined && !CHANNELS.includes(options.channel)) throw new ValidationError([{ path: 'channel', reason: `must be one of ${CHANNELS.join(', ')}` }]);
  return { now: date.toISOString(), months, limit, cutoff: subtractMonths(date, months).toISOString() };
}

function matchesScope(consent: ConsentState, options: AuditOptions): boolean {
  if (options.purpose !== undefined && consent.purpose !== options.purpose) return false;
  if (options.channel !== undefined && consent.channel !== options.channel && consent.channel !== 'any') return false;
  return true;
}

/** The latest of opt-in, double opt-in confirmation and renewal: the last time the person said yes. */
export function latestConfirmation(consent: ConsentState): string {
  const dates = [consent.granted?.at, consent.confirmed?.at, consent.renewed?.at, consent.since].filter((at): at is string => typeof at === 'string');
  return dates.reduce((latest, at) => (at > latest ? at : latest));
}

/** Calendar months back, in UTC; the day is clamped (31 March minus 1 month is 28 or 29 February). */
export function subtractMonths(date: Date, months: number): Date {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() - months;
  const target = new Date(Date.UTC(year, month, 1, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target;
}
