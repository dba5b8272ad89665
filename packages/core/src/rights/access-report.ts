/**
 * The access report (GDPR Art. 15): everything the trails say about a person, with the source of
 * every item (Art. 15(1)(g)), as plain JSON. `renderAccessReportText` and `renderAccessReportHtml`
 * turn it into what the person reads.
 */
import type { TrailIntegrityProblem } from '../errors';
import { ValidationError } from '../errors';
import type { Actor, Channel, EventType, FieldValue, LawfulBasis, Proof, RedactedValue, Source, Trail } from '../model/event';
import { canonicalJson } from '../trail/canonical-json';
import { verifyTrail } from '../trail/trail';
import { foldTrail, type Origin, type ProofStrength } from '../state/subject-state';

/** A trail with the name of where it is kept, e.g. `{ label: 'HubSpot', trail }`. */
export interface LabelledTrail {
  /** Where this trail is kept, as the report names it: a CRM ("HubSpot"), a system, a list. */
  label: string;
  trail: Trail;
}

/** Who answers the request. */
export interface ReportController {
  /** The organisation, e.g. "Example SAS". */
  name: string;
  /** How to reach the data protection contact: an address, a URL, a DPO's email. */
  contact: string;
}

export interface AccessReportOptions {
  /** When the report is produced (ISO 8601). Core reads no clock: pass it. */
  generatedAt: string;
  /** The controller answering the request; printed at the top of the report. */
  controller?: ReportController;
}

/** Where and when an item came from, and who made the change. */
export interface AccessReportOrigin {
  /** When (ISO 8601, UTC). */
  at: string;
  /** Where from, as recorded: kind, name, place, URL, campaign, partner. */
  source: Source;
  /** Who caused it, when recorded. */
  actor?: Actor;
  /** The event in the trail this comes from. */
  eventId: string;
}

/** One change to a field. */
export interface AccessReportChange extends AccessReportOrigin {
  /** `data.collected`, `data.updated`, `data.rectified` or `data.erased`. */
  type: EventType;
  /** The value after the change (a redaction marker when it was erased since). */
  value?: FieldValue | RedactedValue;
  /** The value before the change, when recorded. */
  previousValue?: FieldValue | RedactedValue;
  /** Why (rectifications carry one). */
  reason?: string;
}

/** A field held about the person. */
export interface AccessReportField {
  /** The field's neutral name, e.g. `firstName`. */
  name: string;
  /** The value held now; absent once erased; a redaction marker when redacted in the trail. */
  value?: FieldValue | RedactedValue;
  /** True when the latest event erased the field. */
  erased: boolean;
  /** Where and when it was first collected (or collected again after an erasure). */
  origin: AccessReportOrigin;
  /** The latest change. */
  lastChange: AccessReportOrigin;
  /** Every change, oldest first. */
  changes: AccessReportChange[];
}

/** One consent event for a purpose and channel. */
export interface AccessReportConsentEvent extends AccessReportOrigin {
  type: EventType;
  /** False when it did not change the consent (e.g. an imported opt-in after a withdrawal). */
  applied: boolean;
  /** Why it did not, when it did not. */
  note?: string;
}

/** A consent for one purpose on one channel, with its proof. */
export interface AccessReportConsent {
  purpose: string;
  channel: Channel;
  status: 'granted' | 'withdrawn';
  /** When the current status began. */
  since: string;
  lawfulBasis: LawfulBasis;
  /** How strong the evidence of the current grant is. */
  strength: ProofStrength;
  /** The opt-in the current grant rests on, with its proof (IP, user agent, form, wording, document). */
  granted?: AccessReportOrigin & { proof?: Proof };
  /** The double opt-in confirmation, with its proof. */
  confirmed?: AccessReportOrigin & { proof?: Proof };
  /** The latest renewal. */
  renewed?: AccessReportOrigin;
  /** The withdrawal, while withdrawn. */
  withdrawn?: AccessReportOrigin & { reason?: string };
  /** Every consent event for this purpose and channel, oldest first. */
  history: AccessReportConsentEvent[];
}

/** A request the person made (access, erasure). */
export interface AccessReportRequest extends AccessReportOrigin {
  type: EventType;
}

/** Whether the trail is intact, as `verifyTrail` found it. */
export type AccessReportVerification =
  | { valid: true; head: string | null; length: number }
  | {
      valid: false;
      head: string | null;
      length: number;
      /** What is wrong. */
      problem: TrailIntegrityProblem;
      /** The first event that does not verify (0-based). */
      index: number;
      eventId?: string;
      /** The verifier's message, for the people handling the request. */
      message: string;
    };

/** What one CRM (or other store) holds about the person. */
export interface AccessReportSection {
  /** Where the data is kept (the label given with the trail). */
  label: string;
  verification: AccessReportVerification;
  eventCount: number;
  firstEventAt?: string;
  lastEventAt?: string;
  /** Every distinct source anything came from, in order of first appearance (Art. 15(1)(g)). */
  sources: Source[];
  fields: AccessReportField[];
  consents: AccessReportConsent[];
  requests: AccessReportRequest[];
  /** True when processing is restricted (Art. 18). */
  restricted: boolean;
}

/** Everything held about a person, per store. Plain JSON: `JSON.stringify` gives the JSON output. */
export interface AccessReport {
  /** Format marker, so a stored report can be recognised. */
  format: 'optintrail.access-report/1';
  /** The person (normalised email). */
  subject: string;
  generatedAt: string;
  controller?: ReportController;
  sections: AccessReportSection[];
}

/**
 * Builds the access report from one trail or from several (one per CRM, each with a label).
 * Pure: the trails are verified and folded, nothing is read or written. A trail that does not
 * verify is still reported, with its verification problem, so nothing is hidden from the person.
 */
export function buildAccessReport(trails: Trail | LabelledTrail | ReadonlyArray<Trail | LabelledTrail>, options: AccessReportOptions): AccessReport {
  const list = (Array.isArray(trails) ? trails : [trails]) as ReadonlyArray<Trail | LabelledTrail>;
  const labelled = list.map((item, index) => ('trail' in item ? item : { label: list.length === 1 ? 'OptinTrail' : `#${index + 1}`, trail: item }));
  if (labelled.length === 0) throw new ValidationError([{ path: 'trails', reason: 'give at least one trail' }]);
  if (typeof options.generatedAt !== 'string' || Number.isNaN(new Date(options.generatedAt).getTime())) {
    throw new ValidationError([{ path: 'generatedAt', reason: 'must be an ISO 8601 date-time' }]);
  }
  const subjects = new Set(labelled.map(({ trail }) => trail.subject));
  if (subjects.size > 1) {
    throw new ValidationError([{ path: 'trails', reason: 'the trails belong to different subjects; build one report per person' }]);
  }
  const labels = new Set<string>();
  labelled.forEach(({ label }, index) => {
    if (labels.has(label)) throw new ValidationError([{ path: `trails[${index}].label`, reason: `"${label}" is used twice; give each store its own label` }]);
    labels.add(label);
  });
  return {
    format: 'optintrail.access-report/1',
    subject: labelled[0]!.trail.subject,
    generatedAt: new Date(options.generatedAt).toISOString(),
    ...(options.controller ? { controller: { name: options.controller.name, contact: options.controller.contact } } : {}),
    sections: labelled.map(({ label, trail }) => buildSection(label, trail)),
  };
}

function buildSection(label: string, trail: Trail): AccessReportSection {
  const state = foldTrail(trail);
  const verified = verifyTrail(trail);
  const verification: AccessReportVerification = verified.valid
    ? verified
    : {
        valid: false,
        head: state.head,
        length: trail.events.length,
        problem: verified.error.problem,
        index: verified.error.index,
        ...(verified.error.eventId ? { eventId: verified.error.eventId } : {}),
        message: verified.error.message,
      };
  return {
    label,
    verification,
    eventCount: state.eventCount,
    ...(state.firstEventAt ? { firstEventAt: state.firstEventAt } : {}),
    ...(state.lastEventAt ? { lastEventAt: state.lastEventAt } : {}),
    sources: distinctSources(trail),
    fields: Object.values(state.fields).map((field) => ({
      name: field.name,
      ...(field.value !== undefined ? { value: field.value } : {}),
      erased: field.erased,
      origin: origin(field.origin),
      lastChange: origin(field.lastChange),
      changes: field.history.map((entry) => ({
        ...origin(entry),
        type: entry.type,
        ...(entry.value !== undefined ? { value: entry.value } : {}),
        ...(entry.previousValue !== undefined ? { previousValue: entry.previousValue } : {}),
        ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
      })),
    })),
    consents: state.consents.map((consent) => ({
      purpose: consent.purpose,
      channel: consent.channel,
      status: consent.status,
      since: consent.since,
      lawfulBasis: consent.lawfulBasis,
      strength: consent.strength,
      ...(consent.granted ? { granted: { ...origin(consent.granted), ...(consent.granted.proof ? { proof: consent.granted.proof } : {}) } } : {}),
      ...(consent.confirmed ? { confirmed: { ...origin(consent.confirmed), ...(consent.confirmed.proof ? { proof: consent.confirmed.proof } : {}) } } : {}),
      ...(consent.renewed ? { renewed: origin(consent.renewed) } : {}),
      ...(consent.withdrawn ? { withdrawn: { ...origin(consent.withdrawn), ...(consent.withdrawn.reason ? { reason: consent.withdrawn.reason } : {}) } } : {}),
      history: consent.history.map((entry) => ({ ...origin(entry), type: entry.type, applied: entry.applied, ...(entry.note ? { note: entry.note } : {}) })),
    })),
    requests: state.requests.map((request) => ({ ...origin(request), type: request.type })),
    restricted: state.restricted,
  };
}

function origin(from: Origin): AccessReportOrigin {
  return { at: from.at, source: from.source, ...(from.actor ? { actor: from.actor } : {}), eventId: from.eventId };
}

function distinctSources(trail: Trail): Source[] {
  const seen = new Set<string>();
  const sources: Source[] = [];
  for (const event of trail.events) {
    let key: string;
    try {
      key = canonicalJson(event.source);
    } catch {
      continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    sources.push(event.source);
  }
  return sources;
}

