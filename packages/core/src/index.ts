export * from './errors';
export * from './model/event';
export * from './model/subject';
export { createEventId } from './model/event-id';
export {
  parseEventInput,
  parseStoredEvent,
  provenanceEventInputSchema,
  provenanceEventSchema,
  stripUndefined,
} from './model/event-schema';
export { canonicalJson, sha256Hex } from './trail/canonical-json';
export { computeEventHash, redactEvent, digestPersonalValue } from './trail/hash-chain';
export {
  appendEvents,
  assembleTrail,
  assertTrailVerifies,
  buildTrail,
  createTrail,
  newEventsOnly,
  redactFields,
  redactTrail,
  trailHead,
  verifyTrail,
} from './trail/trail';
export type { AppendOptions, RandomBytes, TrailVerification, VerifyOptions } from './trail/trail';
export { foldTrail, findConsent, hasProof, PROOF_STRENGTHS } from './state/subject-state';
export type {
  ConsentHistoryEntry,
  ConsentState,
  FieldHistoryEntry,
  FieldState,
  Origin,
  ProofStrength,
  SubjectState,
} from './state/subject-state';
export * from './adapter';
export * from './sync/index';
export { suppressionFingerprint, createSuppressionList } from './rights/suppression';
export type { SuppressionList } from './rights/suppression';
export { generateReminder, SUPPORTED_REMINDER_LOCALES } from './reminder/reminder';
export type { ReminderOptions, ReminderResult } from './reminder/reminder';
export { TOUCHPOINTS, REMINDER_SITUATIONS } from './reminder/reminder-templates';
export type {
  ReminderLocaleTemplates,
  ReminderSentenceTemplate,
  ReminderSituation,
  ReminderSituationKey,
  ReminderTemplates,
  Touchpoint,
} from './reminder/reminder-templates';
export * from './codec/index';
