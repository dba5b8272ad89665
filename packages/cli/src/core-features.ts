/**
 * Parts of @optintrail/core that were landing while this CLI was written (the audit; the access
 * report is now used from core directly).
 * They are looked up by name so the CLI builds and runs either way; where one is missing a minimal
 * stand-in answers, and says so in its output.
 */
import * as core from '@optintrail/core';
import { findConsent, foldTrail, verifyTrail, type Channel, type Trail } from '@optintrail/core';

interface OptionalCore {
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
