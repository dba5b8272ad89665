/**
 * A data subject's rights across several CRMs at once: the access report (Art. 15) built from what
 * each adapter pulls back, and the erasure (Art. 17) carried out by every adapter with its CRM's own
 * mechanism, the address added to the suppression list first. Orchestration over the adapter
 * contract only: no I/O of its own beyond the adapters' calls, no clock (dates are passed in).
 */
import type { CrmAdapter, ErasureReceipt, ErasureRequest } from '../adapter';
import { TrailIntegrityError, ValidationError, type ValidationIssue } from '../errors';
import type { Trail } from '../model/event';
import { normalizeEmail } from '../model/subject';
import { trailHead } from '../trail/trail';
import { buildAccessReport, type AccessReport, type AccessReportOptions, type LabelledTrail } from './access-report';
import type { SuppressionList } from './suppression';

/** An adapter with the name reports give its CRM, e.g. `{ label: 'HubSpot (EU account)', adapter }`. */
export interface LabelledAdapter {
  label: string;
  adapter: CrmAdapter;
}

/** Names a bare adapter gets in reports, by adapter id; other ids are used as they are. */
const DEFAULT_LABELS: Readonly<Record<string, string>> = { hubspot: 'HubSpot', mailchimp: 'Mailchimp', salesforce: 'Salesforce' };

function labelled(adapters: ReadonlyArray<CrmAdapter | LabelledAdapter>): LabelledAdapter[] {
  if (adapters.length === 0) throw new ValidationError([{ path: 'adapters', reason: 'give at least one adapter' }]);
  return adapters.map((item) => ('adapter' in item ? item : { label: Object.hasOwn(DEFAULT_LABELS, item.id) ? DEFAULT_LABELS[item.id]! : item.id, adapter: item }));
}

function checkEmail(email: string): string {
  const normalized = typeof email === 'string' ? normalizeEmail(email) : '';
  if (!/^[^\s@]+@[^\s@]+$/.test(normalized)) throw new ValidationError([{ path: 'email', reason: 'must be the email address the person is known by in the CRMs' }]);
  return normalized;
}

/** What `accessReportFromAdapters` read and built. */
export interface AdapterAccessResult {
  /** The report: one section per adapter, in the order given. */
  report: AccessReport;
  /** The trails as pulled, labelled like the sections (an empty trail where a CRM holds nothing). */
  trails: LabelledTrail[];
  /** Labels of the CRMs that hold nothing about the person (their sections say so). */
  empty: string[];
  /** Labels of the CRMs whose stored trail does not verify (their sections say where it breaks). */
  unverified: string[];
}

/**
 * Pulls the person's trail from every adapter and builds one access report with a section per CRM,
 * labelled (`HubSpot`, `Mailchimp`, `Salesforce` by default). A CRM that holds nothing gets an empty
 * section, so the person sees every place that was searched. A trail that does not verify (edited or
 * deleted in the CRM) is still reported, with the problem the adapter found, never hidden. A vendor
 * failure (`CrmApiError`) is thrown: an answer to an access request must be complete.
 */
export async function accessReportFromAdapters(
  adapters: ReadonlyArray<CrmAdapter | LabelledAdapter>,
  email: string,
  options: AccessReportOptions,
): Promise<AdapterAccessResult> {
  const stores = labelled(adapters);
  const subject = checkEmail(email);
  const pulled = await Promise.all(stores.map(({ adapter }) => pullForReport(adapter, subject)));
  const trails: LabelledTrail[] = stores.map(({ label }, index) => ({ label, trail: pulled[index]!.trail ?? { subject, events: [] } }));
  const report = buildAccessReport(trails, options);
  const unverified: string[] = [];
  report.sections.forEach((section, index) => {
    const problem = pulled[index]!.problem;
    // The chain alone can verify while the adapter saw more (a tail deleted against the head it stored).
    if (problem && section.verification.valid) {
      section.verification = {
        valid: false,
        head: trailHead(trails[index]!.trail),
        length: trails[index]!.trail.events.length,
        problem: problem.problem,
        index: problem.index,
        ...(problem.eventId ? { eventId: problem.eventId } : {}),
        message: problem.message,
      };
    }
    if (!section.verification.valid) unverified.push(section.label);
  });
  return { report, trails, empty: trails.filter(({ trail }) => trail.events.length === 0).map(({ label }) => label), unverified };
}

async function pullForReport(adapter: CrmAdapter, email: string): Promise<{ trail: Trail | null; problem?: TrailIntegrityError }> {
  try {
    return { trail: await adapter.pull({ email }) };
  } catch (error) {
    if (!TrailIntegrityError.isInstance(error)) throw error;
    return { trail: await adapter.pull({ email }, { verify: false }), problem: error };
  }
}

/** How `eraseEverywhere` erases. */
export interface EraseEverywhereOptions {
  /**
   * Where the address is recorded as erased (see `createSuppressionList`). It is added before any
   * CRM is touched, so a sync running meanwhile, or a retry after a crash, cannot re-import it.
   * Persist its `fingerprints` afterwards and pass the list to every `push` as `suppression`.
   */
  suppression: Pick<SuppressionList, 'add'>;
  /** The person's request: when, by whom it is carried out, why. */
  request: ErasureRequest;
}

/** One CRM where the erasure did not complete. */
export interface EraseEverywhereFailure {
  /** The adapter id, e.g. `hubspot`. */
  adapter: string;
  label: string;
  /** What went wrong, as the adapter reported it. It may name the address: do not keep it with the receipts. */
  reason: string;
  /** True when trying again later may succeed (rate limit, outage). */
  isRetryable: boolean;
}

/** What `eraseEverywhere` did. The fingerprint and receipts hold no personal data: keep them. */
export interface EraseEverywhereResult {
  /** The suppression fingerprint of the address (keyed hash), now on the suppression list. */
  fingerprint: string;
  /** One receipt per CRM that confirmed the erasure, in the order the adapters were given. */
  receipts: ErasureReceipt[];
  /** CRMs where it failed; erase there again (it is safe to repeat). */
  failures: EraseEverywhereFailure[];
  /** True when every CRM confirmed. */
  complete: boolean;
}

/**
 * Erases a person from every CRM with each adapter's `erase` (HubSpot GDPR delete, Mailchimp
 * delete-permanent, Salesforce delete of the record and its event records) after adding the address
 * to the suppression list. Refuses (`ValidationError`, nothing done) an adapter that cannot erase
 * or a request without a valid date. A CRM that fails does not stop the others: it is reported in
 * `failures`, and `complete` is false.
 */
export async function eraseEverywhere(
  adapters: ReadonlyArray<CrmAdapter | LabelledAdapter>,
  email: string,
  options: EraseEverywhereOptions,
): Promise<EraseEverywhereResult> {
  const stores = labelled(adapters);
  const subject = checkEmail(email);
  const issues: ValidationIssue[] = [];
  stores.forEach(({ label, adapter }, index) => {
    if (!adapter.capabilities.erase || typeof adapter.erase !== 'function') {
      issues.push({ path: `adapters[${index}]`, reason: `${label} cannot erase subjects; leave it out and erase the person there by hand` });
    }
  });
  if (typeof options.request?.requestedAt !== 'string' || Number.isNaN(new Date(options.request.requestedAt).getTime())) {
    issues.push({ path: 'request.requestedAt', reason: 'must be an ISO 8601 date-time (when the person asked)' });
  }
  if (typeof options.suppression?.add !== 'function') issues.push({ path: 'suppression', reason: 'is required: a suppression list (createSuppressionList) so the address is never re-imported' });
  if (issues.length > 0) throw new ValidationError(issues, 'Erasure not started');

  const fingerprint = options.suppression.add(subject);
  const outcomes = await Promise.allSettled(stores.map(({ adapter }) => adapter.erase!({ email: subject }, options.request)));
  const receipts: ErasureReceipt[] = [];
  const failures: EraseEverywhereFailure[] = [];
  outcomes.forEach((outcome, index) => {
    const { label, adapter } = stores[index]!;
    if (outcome.status === 'fulfilled') {
      receipts.push(outcome.value);
      return;
    }
    const error = outcome.reason as { message?: unknown; isRetryable?: unknown } | undefined;
    failures.push({
      adapter: adapter.id,
      label,
      reason: typeof error?.message === 'string' ? error.message : String(outcome.reason),
      isRetryable: error?.isRetryable === true,
    });
  });
  return { fingerprint, receipts, failures, complete: failures.length === 0 };
}
