import {
  isRedacted,
  type Actor,
  type Channel,
  type EventType,
  type FieldValue,
  type LawfulBasis,
  type Proof,
  type ProvenanceEvent,
  type RedactedValue,
  type Source,
  type Trail,
} from '../model/event';

/**
 * How strong the evidence of a consent is, strongest first:
 * - `double-opt-in`: confirmed by the subject (link or code) and backed by proof;
 * - `single-opt-in`: recorded with proof (IP, form, wording, document) but not confirmed;
 * - `no-proof`: asserted (an import, a partner list, a staff entry) without any proof.
 */
export type ProofStrength = 'double-opt-in' | 'single-opt-in' | 'no-proof';
export const PROOF_STRENGTHS: readonly ProofStrength[] = ['double-opt-in', 'single-opt-in', 'no-proof'];

/** Where and when something came from. */
export interface Origin {
  at: string;
  source: Source;
  eventId: string;
  actor?: Actor;
}

/** A consent event as it affected one purpose and channel. */
export interface ConsentHistoryEntry extends Origin {
  type: EventType;
  /** False when the fold ignored it (e.g. an imported opt-in after a withdrawal). */
  applied: boolean;
  /** Why it was ignored, when it was. */
  note?: string;
}

/** Consent for one purpose on one channel. */
export interface ConsentState {
  purpose: string;
  channel: Channel;
  /** `granted` while the latest effective event is an opt-in; `withdrawn` after an opt-out. */
  status: 'granted' | 'withdrawn';
  lawfulBasis: LawfulBasis;
  /** The opt-in the current grant rests on: when and where the subject subscribed. */
  granted?: Origin & { proof?: Proof };
  /** Double opt-in confirmation of the current grant. */
  confirmed?: Origin & { proof?: Proof };
  /** The latest renewal (re-permission) of the current grant. */
  renewed?: Origin;
  /** The withdrawal, while withdrawn. */
  withdrawn?: Origin & { reason?: string };
  /** When the current status began. */
  since: string;
  strength: ProofStrength;
  /** Every consent event for this purpose and channel, in time order. */
  history: ConsentHistoryEntry[];
}

/** One change to a field, as the access report lists it. */
export interface FieldHistoryEntry extends Origin {
  type: EventType;
  value?: FieldValue | RedactedValue;
  previousValue?: FieldValue | RedactedValue;
  reason?: string;
}

/** A field's current value and its provenance. */
export interface FieldState {
  name: string;
  /** Current value; undefined once erased. A redaction marker when the value was redacted in the trail. */
  value: FieldValue | RedactedValue | undefined;
  erased: boolean;
  /** Where and when the field was first collected. */
  origin: Origin;
  /** The latest change (equals `origin` for a field never modified). */
  lastChange: Origin;
  /** Every event that touched the field, in time order. */
  history: FieldHistoryEntry[];
}

/** Everything a trail says about its subject now. */
export interface SubjectState {
  subject: string;
  /** Per purpose and channel (`newsletter/email`). */
  consents: ConsentState[];
  /** Per field name. */
  fields: Record<string, FieldState>;
  /** True after `processing.restricted`. */
  restricted: boolean;
  /** Requests made by the subject (access, erasure), in time order. */
  requests: Array<Origin & { type: EventType }>;
  erasureRequested: boolean;
  eventCount: number;
  firstEventAt: string | undefined;
  lastEventAt: string | undefined;
  /** Hash of the last event (the trail head). */
  head: string | null;
}

const IMPORT_KINDS = new Set(['import', 'partner']);

/** True for evidence that shows the event happened rather than asserting it. */
export function hasProof(proof: Proof | undefined): boolean {
  if (!proof) return false;
  return Boolean(proof.ip || proof.formUrl || proof.wording || proof.wordingHash || proof.documentRef || proof.doubleOptIn);
}

function originOf(event: ProvenanceEvent): Origin {
  return { at: event.at, source: event.source, eventId: event.id, ...(event.actor ? { actor: event.actor } : {}) };
}

/** Events sorted by time; ties keep trail order (imports and backfills arrive out of order). */
function byTime(events: readonly ProvenanceEvent[]): ProvenanceEvent[] {
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => (a.event.at < b.event.at ? -1 : a.event.at > b.event.at ? 1 : a.index - b.index))
    .map(({ event }) => event);
}

/**
 * Folds a trail into the subject's current state. Pure.
 *
 * Consent rules, per purpose and channel, over events in time order:
 * - an opt-in after a withdrawal re-grants only if it is newer and not an import or partner list:
 *   a withdrawal is never undone by an older or imported event;
 * - an import never replaces the origin or proof of an existing grant, it only fills a gap;
 * - `consent.confirmed` upgrades the current grant to double opt-in.
 */
export function foldTrail(trail: Trail): SubjectState {
  const consents = new Map<string, ConsentState>();
  const fields: Record<string, FieldState> = {};
  const requests: Array<Origin & { type: EventType }> = [];
  let restricted = false;
  let erasureRequested = false;

  for (const event of byTime(trail.events)) {
    const origin = originOf(event);
    if (event.type.startsWith('consent.') && event.purpose && event.channel) {
      const key = `${event.purpose}/${event.channel}`;
      applyConsentEvent(consents, key, event, origin);
    } else if (event.type.startsWith('data.') && event.fields) {
      for (const change of event.fields) applyFieldChange(fields, event, change, origin);
    } else if (event.type === 'processing.restricted') {
      restricted = true;
    } else if (event.type === 'subject.access-requested' || event.type === 'subject.erasure-requested') {
      requests.push({ ...origin, type: event.type });
      if (event.type === 'subject.erasure-requested') erasureRequested = true;
    }
  }

  for (const consent of consents.values()) consent.strength = strengthOf(consent);
  const times = trail.events.map((event) => event.at).sort();
  return {
    subject: trail.subject,
    consents: [...consents.values()].sort((a, b) => (a.purpose + a.channel).localeCompare(b.purpose + b.channel)),
    fields,
    restricted,
    requests,
    erasureRequested,
    eventCount: trail.events.length,
    firstEventAt: times[0],
    lastEventAt: times.at(-1),
    head: trail.events.at(-1)?.hash ?? null,
  };
}

function applyConsentEvent(consents: Map<string, ConsentState>, key: string, event: ProvenanceEvent, origin: Origin) {
  const existing = consents.get(key);
  const entry: ConsentHistoryEntry = { ...origin, type: event.type, applied: true };
  const isImport = IMPORT_KINDS.has(event.source.kind);
  const proof = event.proof ? { proof: event.proof } : {};

  if (!existing) {
    if (event.type === 'consent.withdrawn') {
      consents.set(key, {
        purpose: event.purpose!,
        channel: event.channel!,
        status: 'withdrawn',
        lawfulBasis: event.lawfulBasis ?? 'consent',
        withdrawn: { ...origin, ...(event.reason ? { reason: event.reason } : {}) },
        since: event.at,
        strength: 'no-proof',
        history: [entry],
      });
      return;
    }
    consents.set(key, {
      purpose: event.purpose!,
      channel: event.channel!,
      status: 'granted',
      lawfulBasis: event.lawfulBasis ?? 'consent',
      granted: { ...origin, ...proof },
      ...(event.type === 'consent.confirmed' || event.proof?.doubleOptIn ? { confirmed: { ...origin, ...proof } } : {}),
      since: event.at,
      strength: 'no-proof',
      history: [entry],
    });
    return;
  }

  existing.history.push(entry);
  switch (event.type) {
    case 'consent.withdrawn': {
      if (existing.status === 'withdrawn') {
        entry.applied = false;
        entry.note = 'already withdrawn';
        return;
      }
      existing.status = 'withdrawn';
      existing.withdrawn = { ...origin, ...(event.reason ? { reason: event.reason } : {}) };
      existing.since = event.at;
      return;
    }
    case 'consent.given':
    case 'consent.renewed':
    case 'consent.confirmed': {
      if (existing.status === 'withdrawn') {
        if (isImport) {
          entry.applied = false;
          entry.note = 'an imported opt-in never undoes a withdrawal';
          return;
        }
        if (event.type !== 'consent.given') {
          entry.applied = false;
          entry.note = `${event.type} cannot revive a withdrawn consent; a new opt-in is needed`;
          return;
        }
        // A fresh opt-in after the withdrawal: a new grant with its own origin.
        existing.status = 'granted';
        existing.lawfulBasis = event.lawfulBasis ?? 'consent';
        existing.granted = { ...origin, ...proof };
        delete existing.confirmed;
        delete existing.renewed;
        delete existing.withdrawn;
        if (event.proof?.doubleOptIn) existing.confirmed = { ...origin, ...proof };
        existing.since = event.at;
        return;
      }
      if (event.type === 'consent.confirmed' || event.proof?.doubleOptIn) {
        existing.confirmed = { ...origin, ...proof };
        return;
      }
      if (event.type === 'consent.renewed') {
        existing.renewed = origin;
        return;
      }
      // A second opt-in while granted: keep the original origin unless it had no proof and this one does.
      if (!isImport && !hasProof(existing.granted?.proof) && hasProof(event.proof)) {
        existing.granted = { ...origin, ...proof };
        return;
      }
      entry.applied = false;
      entry.note = isImport ? 'an import never replaces an existing opt-in' : 'already granted; the first opt-in stays the origin';
      return;
    }
    default:
      return;
  }
}

function strengthOf(consent: ConsentState): ProofStrength {
  if (consent.status !== 'granted' || !consent.granted) return 'no-proof';
  const grantProof = hasProof(consent.granted.proof);
  if (consent.confirmed && (grantProof || hasProof(consent.confirmed.proof))) return 'double-opt-in';
  if (grantProof) return 'single-opt-in';
  return 'no-proof';
}

function applyFieldChange(
  fields: Record<string, FieldState>,
  event: ProvenanceEvent,
  change: NonNullable<ProvenanceEvent['fields']>[number],
  origin: Origin,
) {
  const entry: FieldHistoryEntry = {
    ...origin,
    type: event.type,
    ...(change.value !== undefined ? { value: change.value } : {}),
    ...(change.previousValue !== undefined ? { previousValue: change.previousValue } : {}),
    ...(event.reason ? { reason: event.reason } : {}),
  };
  const existing = fields[change.name];
  const erased = event.type === 'data.erased';
  if (!existing) {
    fields[change.name] = {
      name: change.name,
      value: erased ? undefined : change.value,
      erased,
      origin,
      lastChange: origin,
      history: [entry],
    };
    return;
  }
  // Collected again after an erasure: the new collection is the origin.
  if (existing.erased && !erased) existing.origin = origin;
  existing.history.push(entry);
  existing.lastChange = origin;
  existing.erased = erased;
  existing.value = erased ? undefined : change.value;
}

/** The consent for a purpose and channel, if the trail has one. */
export function findConsent(state: SubjectState, purpose: string, channel: Channel): ConsentState | undefined {
  return state.consents.find((consent) => consent.purpose === purpose && (consent.channel === channel || consent.channel === 'any'));
}

export { isRedacted };
