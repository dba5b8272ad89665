/**
 * Rectification (GDPR Art. 16): a correction is a `data.rectified` event with the value it replaces,
 * the reason and who made it. The old value stays in the trail as history unless it is also erased
 * (`redactPrevious`).
 */
import type { RectificationRequest } from '../adapter';
import { ValidationError, type ValidationIssue } from '../errors';
import { isRedacted, type Actor, type FieldValue, type ProvenanceEventInput, type Source, type Trail } from '../model/event';
import { parseEventInput } from '../model/event-schema';
import { foldTrail } from '../state/subject-state';
import { appendEvents, type RandomBytes } from '../trail/trail';
import { isErasedTrail } from './erased-trail';
import { redactFieldValues } from './redact-field-values';

/** A rectification request as core takes it: the adapter's request, plus where it came from. */
export interface RectificationInput extends RectificationRequest {
  /** Where the request came from; defaults from the actor (the subject → `subject`, staff → `crm-user`). */
  source?: Source;
  /** The event id (UUIDv7), to make a retried rectification idempotent. Generated when omitted. */
  id?: string;
}

export interface ApplyRectificationOptions {
  /**
   * Also erase the value being replaced: every occurrence of that exact value of the field, in
   * earlier events and in the rectification's own `previousValue`, becomes a redaction marker.
   * The field's other past values stay. Use it when the old value must not be kept (Art. 17).
   */
  redactPrevious?: boolean;
  randomBytes?: RandomBytes;
}

const DEFAULT_SOURCE_KIND: Record<Actor['kind'], Source['kind']> = { subject: 'subject', staff: 'crm-user', system: 'crm-automation', integration: 'api' };

/**
 * The validated `data.rectified` event input for a request, with `previousValue` taken from the
 * trail's current state (omitted when the field was never held, erased, or already redacted).
 * Throws `ValidationError` when the reason or the actor is missing, when the trail's subject was
 * erased, or when the field already holds the value.
 */
export function rectificationEvent(trail: Trail, request: RectificationInput): ProvenanceEventInput {
  const issues: ValidationIssue[] = [];
  if (typeof request.reason !== 'string' || request.reason.trim() === '') {
    issues.push({ path: 'reason', reason: 'is required: say why the value is corrected (e.g. "misspelt, corrected at the subject\'s request")' });
  }
  if (!request.actor) issues.push({ path: 'actor', reason: 'is required: who makes the correction (the subject, a staff member, an integration)' });
  if (isErasedTrail(trail)) {
    issues.push({ path: 'trail', reason: 'the subject of this trail was erased; a rectification cannot be recorded for it' });
  }
  const current = foldTrail(trail).fields[request.field];
  const previousValue: FieldValue | undefined =
    current && !current.erased && current.value !== undefined && !isRedacted(current.value) ? current.value : undefined;
  if (current && !current.erased && previousValue !== undefined && previousValue === request.value) {
    issues.push({ path: 'value', reason: `${request.field} already holds this value; nothing to rectify` });
  }
  if (issues.length > 0) throw new ValidationError(issues, 'Rectification refused');

  const actor = request.actor!;
  const input = {
    ...(request.id ? { id: request.id } : {}),
    subject: trail.subject,
    at: request.at,
    type: 'data.rectified',
    source: request.source ?? { kind: DEFAULT_SOURCE_KIND[actor.kind] ?? 'other', name: 'Rectification request (GDPR Art. 16)' },
    fields: [{ name: request.field, value: request.value, ...(previousValue !== undefined ? { previousValue } : {}) }],
    actor,
    reason: request.reason,
  };
  return parseEventInput(input, 'rectification');
}

/**
 * Appends the rectification to the trail and returns the new trail. The corrected field's history
 * keeps the old value (with `redactPrevious`, as a redaction marker) so the access report shows
 * what changed, when, by whom and why.
 */
export function applyRectification(trail: Trail, request: RectificationInput, options: ApplyRectificationOptions = {}): Trail {
  const event = rectificationEvent(trail, request);
  const appended = appendEvents(trail, [event], options.randomBytes ? { randomBytes: options.randomBytes } : {});
  const previous = event.fields?.[0]?.previousValue;
  if (!options.redactPrevious || previous === undefined || previous === null || isRedacted(previous)) return appended;
  return redactFieldValues(appended, request.field, (value) => value === previous);
}
