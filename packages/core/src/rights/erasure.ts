/**
 * Erasure (GDPR Art. 17): a request becomes a plan the adapter carries out with the CRM's own
 * mechanism, a receipt per CRM (what was deleted where, when) and a suppression fingerprint so
 * the address is never silently imported again. Plan, receipt and record hold no personal data:
 * they may be kept, logged and shown to auditors.
 */
import type { ErasureReceipt, ErasureRequest } from '../adapter';
import { ValidationError, type ValidationIssue } from '../errors';
import type { Trail } from '../model/event';
import { redactTrail, trailHead } from '../trail/trail';
import { isErasedTrail } from './erased-trail';
import { suppressionFingerprint } from './suppression';

/** An erasure request as `planErasure` takes it. */
export interface ErasurePlanRequest extends ErasureRequest {
  /**
   * The sender's secret for suppression fingerprints (at least 16 bytes; `openssl rand -hex 32`).
   * The same key must be given to `createSuppressionList`. It is not copied into the plan.
   */
  suppressionKey: string | Uint8Array;
}

/** One thing the adapter (or the caller) does to carry out the erasure, described neutrally. */
export type ErasureStep =
  | {
      /** Delete the person's record with the CRM's own erasure mechanism. */
      action: 'delete-subject-record';
      description: string;
    }
  | {
      /** Delete the timeline entries (notes, member events, custom records) holding these events. */
      action: 'delete-timeline-entries';
      eventIds: string[];
      description: string;
    }
  | {
      /** Add the fingerprint to the suppression list that `push` checks. */
      action: 'record-suppression';
      fingerprint: string;
      description: string;
    }
  | {
      /** Keep the redacted trail as the record that consent existed and was erased. */
      action: 'keep-redacted-trail';
      trailHead: string | null;
      description: string;
    };

/** What to do to erase one person. Holds no personal data. */
export interface ErasurePlan {
  format: 'optintrail.erasure-plan/1';
  /** Suppression fingerprint of the address (keyed hash): `push` refuses it from now on. */
  fingerprint: string;
  /** Hash of the trail head at planning time: receipts tie back to it. */
  trailHead: string | null;
  eventCount: number;
  /** When the person asked (ISO 8601, UTC). */
  requestedAt: string;
  /** Who carries it out (a staff id or an integration), as given in the request. */
  requestedBy?: string;
  /**
   * The trail with every personal value (subject, field values, IPs, user agents) replaced by its
   * digest: it still verifies, and shows when and from where data and consent came, about nobody.
   * Free-text members (source names, wording, reasons, document references) are kept as they are:
   * they describe the sender's forms and events and must not hold the person's data.
   */
  redactedTrail: Trail;
  steps: ErasureStep[];
}

/**
 * Plans the erasure of the trail's subject. Pure: nothing is deleted here; an adapter's `erase`
 * carries out `steps` in its CRM and returns an `ErasureReceipt` (see `createErasureReceipt`).
 * Throws `ValidationError` for a trail already erased (its address is gone, so no fingerprint can
 * be made from it), a missing request date or a short key.
 */
export function planErasure(trail: Trail, request: ErasurePlanRequest): ErasurePlan {
  const issues: ValidationIssue[] = [];
  if (isErasedTrail(trail)) issues.push({ path: 'trail', reason: 'this trail was already erased; plan the erasure from the original trail or from the address' });
  if (typeof request.requestedAt !== 'string' || Number.isNaN(new Date(request.requestedAt).getTime())) {
    issues.push({ path: 'requestedAt', reason: 'must be an ISO 8601 date-time' });
  }
  if (issues.length > 0) throw new ValidationError(issues, 'Erasure not planned');

  const fingerprint = suppressionFingerprint(trail.subject, request.suppressionKey);
  const head = trailHead(trail);
  const redacted = redactTrail(trail);
  // An empty trail has no event to take a redacted subject from: the fingerprint names it instead.
  const redactedTrail: Trail = redacted.events.length === 0 ? { subject: fingerprint, events: [] } : redacted;
  const eventIds = trail.events.map((event) => event.id);
  return {
    format: 'optintrail.erasure-plan/1',
    fingerprint,
    trailHead: head,
    eventCount: trail.events.length,
    requestedAt: new Date(request.requestedAt).toISOString(),
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
    redactedTrail,
    steps: [
      {
        action: 'delete-subject-record',
        description: "Delete the person's record with the CRM's own erasure mechanism (e.g. HubSpot GDPR delete, Mailchimp permanent delete, Salesforce delete of the contact).",
      },
      {
        action: 'delete-timeline-entries',
        eventIds,
        description: `Delete the ${eventIds.length} timeline entries that hold this trail's events (notes, member events or event records), found by event id, where deleting the record does not remove them.`,
      },
      {
        action: 'record-suppression',
        fingerprint,
        description: 'Add the fingerprint to the suppression list that push checks, so the address is refused if it is imported again.',
      },
      {
        action: 'keep-redacted-trail',
        trailHead: head,
        description: 'Keep the redacted trail with the receipts as the record that consent existed and was erased; it verifies and names nobody.',
      },
    ],
  };
}

/** What an adapter reports after carrying out a plan in its CRM. */
export interface ErasureReceiptInput {
  /** The adapter id, e.g. `hubspot`. */
  adapter: string;
  /** When the CRM confirmed the deletion (ISO 8601). */
  erasedAt: string;
  /** What was removed, in the CRM's own terms (`contact 51`, `3 notes`), without personal values. */
  removed: string[];
  /** The CRM mechanism used, e.g. `HubSpot GDPR delete`. */
  mechanism: string;
}

// What would make a receipt personal: an address, an IPv4 or IPv6 address.
const EMAIL_LIKE = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const IPV4_LIKE = /\b\d{1,3}(?:\.\d{1,3}){3}\b/;
const IPV6_LIKE = /\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){3,7}\b/i;

/**
 * The receipt for one CRM, tied to the plan's trail head. Refuses (`ValidationError`) a
 * description that looks like it holds an email or IP address: receipts are kept and shown.
 */
export function createErasureReceipt(plan: ErasurePlan, input: ErasureReceiptInput): ErasureReceipt {
  const issues: ValidationIssue[] = [];
  if (typeof input.adapter !== 'string' || input.adapter.trim() === '') issues.push({ path: 'adapter', reason: 'must name the adapter, e.g. hubspot' });
  if (typeof input.erasedAt !== 'string' || Number.isNaN(new Date(input.erasedAt).getTime())) issues.push({ path: 'erasedAt', reason: 'must be an ISO 8601 date-time' });
  const texts: Array<[string, string]> = [['mechanism', input.mechanism], ['adapter', input.adapter], ...input.removed.map((text, index): [string, string] => [`removed[${index}]`, text])];
  for (const [path, text] of texts) {
    if (EMAIL_LIKE.test(text) || IPV4_LIKE.test(text) || IPV6_LIKE.test(text)) {
      issues.push({ path, reason: 'looks like it holds an email or IP address; describe what was removed in the CRM\'s terms (e.g. "contact 51", "3 notes")' });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, 'Erasure receipt refused');
  return {
    adapter: input.adapter,
    erasedAt: new Date(input.erasedAt).toISOString(),
    removed: [...input.removed],
    mechanism: input.mechanism,
    trailHead: plan.trailHead,
  };
}

/** The record a sender keeps of one erasure across its CRMs. Holds no personal data. */
export interface ErasureRecord {
  format: 'optintrail.erasure-record/1';
  fingerprint: string;
  trailHead: string | null;
  requestedAt: string;
  requestedBy?: string;
  /** One receipt per CRM the person was erased from. */
  receipts: ErasureReceipt[];
  /** When the last CRM confirmed (ISO 8601); undefined without receipts. */
  completedAt?: string;
}

/** Gathers the receipts of a plan; refuses a receipt that belongs to another trail head. */
export function createErasureRecord(plan: ErasurePlan, receipts: readonly ErasureReceipt[]): ErasureRecord {
  const issues: ValidationIssue[] = [];
  receipts.forEach((receipt, index) => {
    if (receipt.trailHead !== plan.trailHead) issues.push({ path: `receipts[${index}].trailHead`, reason: 'belongs to another trail than this plan' });
  });
  if (issues.length > 0) throw new ValidationError(issues, 'Erasure record refused');
  const completedAt = receipts.map((receipt) => receipt.erasedAt).sort().at(-1);
  return {
    format: 'optintrail.erasure-record/1',
    fingerprint: plan.fingerprint,
    trailHead: plan.trailHead,
    requestedAt: plan.requestedAt,
    ...(plan.requestedBy ? { requestedBy: plan.requestedBy } : {}),
    receipts: receipts.map((receipt) => ({ ...receipt, removed: [...receipt.removed] })),
    ...(completedAt ? { completedAt } : {}),
  };
}
