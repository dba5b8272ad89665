import { findConsent, foldTrail, type Channel, type LawfulBasis, type ProvenanceEvent, type Trail } from '@optintrail/core';

/**
 * Maps an OptinTrail purpose to one of the account's subscription types, so HubSpot's own tools
 * (email sends, unsubscribe pages, lists) agree with the trail. Subscription ids: Settings → Marketing
 * → Email → Subscriptions, or `GET /communication-preferences/v4/definitions`.
 */
export interface HubSpotSubscriptionMapping {
  /** The subscription type id, e.g. 101. */
  subscriptionId: number;
  /** The channel of the consent to read from the trail. Default `email` (HubSpot's only channel: EMAIL). */
  channel?: Channel;
}

/** `PublicStatusRequest` of communication-preferences-v4.json. */
export interface HubSpotStatusRequest {
  subscriberIdString: string;
  channel: 'EMAIL';
  subscriptionId: number;
  statusState: 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'NOT_SPECIFIED';
  legalBasis?: HubSpotLegalBasis;
  legalBasisExplanation?: string;
}

/** HubSpot's legal bases (communication-preferences-v4.json `legalBasis` enum). */
export type HubSpotLegalBasis =
  | 'CONSENT_WITH_NOTICE'
  | 'LEGITIMATE_INTEREST_CLIENT'
  | 'LEGITIMATE_INTEREST_OTHER'
  | 'LEGITIMATE_INTEREST_PQL'
  | 'NON_GDPR'
  | 'PERFORMANCE_OF_CONTRACT'
  | 'PROCESS_AND_STORE';

/**
 * GDPR Art. 6(1) basis → HubSpot's nearest legal basis. HubSpot has no value for legal obligation,
 * vital interests or public task; those go as "legitimate interest (other)" with the real basis in
 * the explanation, which is what HubSpot's UI offers for unlisted cases.
 */
export const LEGAL_BASIS_BY_LAWFUL_BASIS: Record<LawfulBasis, HubSpotLegalBasis> = {
  consent: 'CONSENT_WITH_NOTICE',
  contract: 'PERFORMANCE_OF_CONTRACT',
  'legitimate-interests': 'LEGITIMATE_INTEREST_OTHER',
  'legal-obligation': 'LEGITIMATE_INTEREST_OTHER',
  'vital-interests': 'LEGITIMATE_INTEREST_OTHER',
  'public-task': 'LEGITIMATE_INTEREST_OTHER',
};

const MAX_EXPLANATION = 250;

/**
 * The status requests a trail calls for, one per mapped purpose whose consent was touched by the new
 * events (so a re-run or an unrelated event does not rewrite HubSpot's status).
 */
export function subscriptionStatusRequests(
  trail: Trail,
  newEvents: readonly ProvenanceEvent[],
  mappings: Readonly<Record<string, HubSpotSubscriptionMapping>>,
): Array<{ request: HubSpotStatusRequest; eventId: string }> {
  const state = foldTrail(trail);
  const requests: Array<{ request: HubSpotStatusRequest; eventId: string }> = [];
  for (const [purpose, mapping] of Object.entries(mappings)) {
    const channel = mapping.channel ?? 'email';
    const touched = newEvents.filter((event) => event.type.startsWith('consent.') && event.purpose === purpose);
    if (touched.length === 0) continue;
    const consent = findConsent(state, purpose, channel);
    if (!consent) continue;
    const origin = consent.status === 'withdrawn' ? consent.withdrawn : consent.granted;
    const request: HubSpotStatusRequest = {
      subscriberIdString: trail.subject,
      channel: 'EMAIL',
      subscriptionId: mapping.subscriptionId,
      statusState: consent.status === 'granted' ? 'SUBSCRIBED' : 'UNSUBSCRIBED',
    };
    if (consent.status === 'granted') {
      const basis = consent.lawfulBasis ?? 'consent';
      request.legalBasis = LEGAL_BASIS_BY_LAWFUL_BASIS[basis];
      const where = origin ? `${origin.source.name}, ${origin.at.slice(0, 10)}` : 'recorded by OptinTrail';
      request.legalBasisExplanation = `OptinTrail: ${basis} — ${where}${origin ? ` (event ${origin.eventId})` : ''}`.slice(0, MAX_EXPLANATION);
    }
    requests.push({ request, eventId: origin?.eventId ?? touched.at(-1)!.id });
  }
  return requests;
}
