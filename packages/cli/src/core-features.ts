/**
 * Parts of @optintrail/core that are landing while this CLI is written (access report, audit).
 * They are looked up by name so the CLI builds and runs either way; where one is missing a minimal
 * stand-in answers, and says so in its output.
 */
import * as core from '@optintrail/core';
import { findConsent, foldTrail, verifyTrail, type Channel, type SubjectState, type Trail } from '@optintrail/core';

/** A trail with the name of the CRM it was read from. */
export interface LabelledTrail {
  label: string;
  trail: Trail;
}

interface OptionalCore {
  buildAccessReport?: (trails: LabelledTrail[], options: { generatedAt: string }) => unknown;
  renderAccessReportText?: (report: unknown, options: { locale: string; timeZone?: string }) => string;
  renderAccessReportHtml?: (report: unknown, options: { locale: string; timeZone?: string }) => string;
  auditTrails?: (trails: AsyncIterable<Trail> | Iterable<Trail>, options: AuditOptions) => Promise<AuditReportLike>;
  renderAuditSummary?: (report: AuditReportLike, options: { locale: string; timeZone?: string }) => string;
}

const optional = core as unknown as OptionalCore;

export interface AuditOptions {
  now: string;
  purpose?: string;
  channel?: Channel;
  repermissionAfterMonths?: number;
}

/** The fields of core's `AuditReport` the CLI reads (its exit code and summary). */
export interface AuditReportLike {
  format: string;
  trails: number;
  noTraceableOptIn: { count: number; examples: unknown[] };
  repermission: { count: number; examples: unknown[] };
  brokenChains: { count: number; examples: unknown[] };
}

export function accessReportAvailable(): boolean {
  return typeof optional.buildAccessReport === 'function';
}

/** The access report (GDPR Art. 15) in the format asked for. */
export function renderAccessReport(trails: LabelledTrail[], options: { format: 'json' | 'text' | 'html'; generatedAt: string; locale: string; timeZone: string }): string {
  if (optional.buildAccessReport && optional.renderAccessReportText && optional.renderAccessReportHtml) {
    const report = optional.buildAccessReport(trails, { generatedAt: options.generatedAt });
    if (options.format === 'json') return JSON.stringify(report, null, 2);
    const render = options.format === 'html' ? optional.renderAccessReportHtml : optional.renderAccessReportText;
    return render(report, { locale: options.locale, timeZone: options.timeZone });
  }
  // Stand-in until core exports the report: the folded state, which holds the same facts.
  const report = {
    format: 'optintrail.folded-state/1',
    note: 'minimal report: this build of @optintrail/core has no buildAccessReport',
    generatedAt: options.generatedAt,
    sources: trails.map(({ label, trail }) => {
      const verification = verifyTrail(trail);
      return { label, verified: verification.valid, state: foldTrail(trail) };
    }),
  };
  const json = JSON.stringify(report, null, 2);
  if (options.format === 'json') return json;
  if (options.format === 'html') return `<pre>${json.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)}</pre>`;
  return report.sources.map(({ label, state }) => describeState(label, state)).join('\n\n');
}

function describeState(label: string, state: SubjectState): string {
  const lines = [`${state.subject} in ${label}: ${state.eventCount} events`];
  for (const consent of state.consents) lines.push(`  consent ${consent.purpose}/${consent.channel}: ${consent.status} since ${consent.since} (${consent.strength})`);
  for (const field of Object.values(state.fields)) {
    lines.push(`  ${field.name}: ${field.erased ? '(erased)' : JSON.stringify(field.value)} from ${field.origin.source.name} on ${field.origin.at}`);
  }
  return lines.join('\n');
}

/** Consent audit over trails, streaming. */
export async function auditTrails(trails: AsyncIterable<Trail> | Iterable<Trail>, options: AuditOptions): Promise<AuditReportLike> {
  if (optional.auditTrails) return optional.auditTrails(trails, options);
  return fallbackAudit(trails, options);
}

export function renderAuditText(report: AuditReportLike, options: { locale: string; timeZone: string }): string {
  if (optional.renderAuditSummary && report.format === 'optintrail.audit-report/1') return optional.renderAuditSummary(report, options);
  return [
    `Trails audited: ${report.trails}`,
    `No traceable opt-in: ${report.noTraceableOptIn.count}`,
    `Re-permission candidates: ${report.repermission.count}`,
    `Broken chains: ${report.brokenChains.count}`,
  ].join('\n');
}

async function fallbackAudit(trails: AsyncIterable<Trail> | Iterable<Trail>, options: AuditOptions): Promise<AuditReportLike> {
  const months = options.repermissionAfterMonths ?? 36;
  const cutoff = new Date(options.now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  const report = {
    format: 'optintrail.cli-audit/1',
    note: 'minimal audit: this build of @optintrail/core has no auditTrails',
    trails: 0,
    noTraceableOptIn: { count: 0, examples: [] as unknown[] },
    repermission: { count: 0, examples: [] as unknown[] },
    brokenChains: { count: 0, examples: [] as unknown[] },
  };
  for await (const trail of trails) {
    report.trails += 1;
    const verification = verifyTrail(trail);
    if (!verification.valid) {
      report.brokenChains.count += 1;
      if (report.brokenChains.examples.length < 20) report.brokenChains.examples.push({ subject: trail.subject, problem: verification.error.problem });
    }
    const state = foldTrail(trail);
    const consent = findConsent(state, options.purpose ?? 'newsletter', options.channel ?? 'email');
    if (!consent || (consent.status === 'granted' && consent.strength === 'no-proof')) {
      report.noTraceableOptIn.count += 1;
      if (report.noTraceableOptIn.examples.length < 20) report.noTraceableOptIn.examples.push({ subject: trail.subject });
    } else if (consent.status === 'granted') {
      const last = [consent.granted?.at, consent.confirmed?.at, consent.renewed?.at].filter((at): at is string => Boolean(at)).sort().at(-1);
      if (last && last < cutoff.toISOString()) {
        report.repermission.count += 1;
        if (report.repermission.examples.length < 20) report.repermission.examples.push({ subject: trail.subject, lastConfirmedAt: last });
      }
    }
  }
  return report;
}
