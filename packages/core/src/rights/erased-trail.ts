import { isRedacted, type Trail } from '../model/event';

/** True once a trail's subject has been redacted (erasure): it no longer names anyone. */
export function isErasedTrail(trail: Trail): boolean {
  return /^sha256:[0-9a-f]{64}$/.test(trail.subject) || trail.events.some((event) => isRedacted(event.subject));
}
