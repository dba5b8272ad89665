/**
 * The proof-strength breakdown of a backfill: for every contact given a new trail, the consents that
 * trail holds, each by the strength of its evidence (double opt-in, single opt-in with evidence, no
 * proof), withdrawals, and trails with no consent at all. Computed from the same events
 * `writeBackfill` writes (same ids, same order), so a dry run and a real run agree.
 */
import { buildTrail, capturedEventId, foldTrail, normalizeEmail, PROOF_STRENGTHS, type BackfillSubject, type ProofStrength, type ProvenanceEventInput, type Trail } from '@optintrail/core';

/** Counts over the new trails of a backfill. */
export interface ProofBreakdown {
  /** Consents in force, by the strength of their evidence. `no-proof` is an import without evidence. */
  granted: Record<ProofStrength, number>;
  /** Consents that were given, then withdrawn. */
  withdrawn: number;
  /** New trails holding data only, no consent. */
  withoutConsent: number;
}

/** What one contact's new trail holds, or why it cannot be built. */
export type NewTrailPreview =
  | { subject: string; events: number; granted: ProofStrength[]; withdrawn: number }
  | { subject: string; failure: string };

export function emptyProofBreakdown(): ProofBreakdown {
  return { granted: Object.fromEntries(PROOF_STRENGTHS.map((strength) => [strength, 0])) as Record<ProofStrength, number>, withdrawn: 0, withoutConsent: 0 };
}

/**
 * Builds the trail `writeBackfill` would create for a contact with no trail yet (events deduplicated
 * by id, in time order, chained) and folds it. A contact whose data the model refuses is a failure,
 * as it is for `writeBackfill`.
 */
export function previewNewTrail(item: BackfillSubject, namespace: string): NewTrailPreview {
  const subject = normalizeEmail(item.subject);
  let trail: Trail;
  try {
    const seen = new Set<string>();
    const inputs: Array<ProvenanceEventInput & { id: string }> = [];
    for (const change of item.changes) {
      const id = capturedEventId(namespace, change.externalId, change.event.at);
      if (seen.has(id)) continue;
      seen.add(id);
      inputs.push({ ...change.event, id, subject });
    }
    inputs.sort((left, right) => new Date(left.at).getTime() - new Date(right.at).getTime());
    trail = buildTrail(subject, inputs);
  } catch (error) {
    return { subject, failure: error instanceof Error ? error.message : String(error) };
  }
  const consents = foldTrail(trail).consents;
  return {
    subject,
    events: trail.events.length,
    granted: consents.filter((consent) => consent.status === 'granted').map((consent) => consent.strength),
    withdrawn: consents.filter((consent) => consent.status === 'withdrawn').length,
  };
}

/** Adds one new trail to the breakdown. */
export function addToBreakdown(breakdown: ProofBreakdown, preview: Extract<NewTrailPreview, { events: number }>): void {
  for (const strength of preview.granted) breakdown.granted[strength] += 1;
  breakdown.withdrawn += preview.withdrawn;
  if (preview.granted.length === 0 && preview.withdrawn === 0) breakdown.withoutConsent += 1;
}
