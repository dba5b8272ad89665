import { buildTrail, foldTrail, type ProvenanceEventInput, type Source, type SubjectState } from '../src/index';

export const SUBJECT = 'claire@example.com';

// Deterministic salts and ids: the reminder must not depend on them, and tests must not depend on the CSPRNG.
let counter = 0;
const randomBytes = (length: number) => {
  counter += 1;
  return Uint8Array.from({ length }, (_, index) => (counter * 31 + index * 7) % 256);
};

export type EventDraft = Omit<ProvenanceEventInput, 'subject'>;

/** Folds a trail made of the given events for one subject. */
export function stateOf(...events: EventDraft[]): SubjectState {
  return foldTrail(buildTrail(SUBJECT, events.map((event) => ({ subject: SUBJECT, ...event })), { randomBytes }));
}

export const SALON: Source = {
  kind: 'event',
  name: 'Salon E-commerce Paris',
  phrases: { fr: 'lors du Salon E-commerce Paris' },
};

/** A newsletter opt-in on 19 September 2012. */
export function optIn(source: Source, extra: Partial<EventDraft> = {}): EventDraft {
  return {
    at: '2012-09-19T10:30:00Z',
    type: 'consent.given',
    purpose: 'newsletter',
    channel: 'email',
    source,
    ...extra,
  };
}

/** The date of `optIn` as each built-in language writes it. */
export const SEPTEMBER_19: Record<string, string> = {
  fr: '19 septembre 2012',
  en: '19 September 2012',
  de: '19. September 2012',
  es: '19 de septiembre de 2012',
  it: '19 settembre 2012',
  nl: '19 september 2012',
  pt: '19 de setembro de 2012',
};
