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
export { buildAccessReport } from './rights/access-report';
export type {
  AccessReport,
  AccessReportChange,
  AccessReportConsent,
  AccessReportConsentEvent,
  AccessReportField,
  AccessReportOptions,
  AccessReportOrigin,
  AccessReportRequest,
  AccessReportSection,
  AccessReportVerification,
  LabelledTrail,
  ReportController,
} from './rights/access-report';
export { renderAccessReportText } from './rights/access-report-text';
export { renderAccessReportHtml } from './rights/access-report-html';
export type { AccessReportRenderOptions } from './rights/access-report-layout';
export type { ReportLocale } from './rights/report-format';
export { applyRectification, rectificationEvent } from './rights/rectification';
export type { ApplyRectificationOptions, RectificationInput } from './rights/rectification';
export { redactFieldValues } from './rights/redact-field-values';
export { isErasedTrail } from './rights/erased-trail';
export { createErasureReceipt, createErasureRecord, planErasure } from './rights/erasure';
export type { ErasurePlan, ErasurePlanRequest, ErasureReceiptInput, ErasureRecord, ErasureStep } from './rights/erasure';
export { auditTrails, createAuditAccumulator, DEFAULT_AUDIT_EXAMPLE_LIMIT, DEFAULT_REPERMISSION_AFTER_MONTHS } from './rights/audit';
export type {
  AuditAccumulator,
  AuditBrokenChainExample,
  AuditContactExample,
  AuditList,
  AuditOptions,
  AuditReport,
  AuditRepermissionExample,
} from './rights/audit';
export { renderAuditSummary } from './rights/audit-summary';
export type { AuditSummaryOptions } from './rights/audit-summary';
export { toKantaraConsentReceipt } from './rights/kantara-consent-receipt';
export type { KantaraConsentReceipt, KantaraController, KantaraPurpose, KantaraReceiptOptions } from './rights/kantara-consent-receipt';
export { PROV_CONTEXT, toProvJsonLd } from './rights/prov-json-ld';
export type { ProvJsonLdDocument, ProvNode } from './rights/prov-json-ld';
export { accessReportFromAdapters, eraseEverywhere } from './rights/subject-rights';
export type { AdapterAccessResult, EraseEverywhereFailure, EraseEverywhereOptions, EraseEverywhereResult, LabelledAdapter } from './rights/subject-rights';
export {
  applyCapturedChanges,
  capturedEventId,
  createSubjectLocks,
  createWebhookHandler,
  isFreshTimestamp,
  timingSafeEqualText,
  WebhookPayloadError,
} from './capture/change-capture';
export type {
  ApplyCapturedChangesOptions,
  CapturedChange,
  CapturedEventInput,
  CaptureFailure,
  CaptureNotice,
  CaptureReport,
  ParsedNotification,
  SubjectLocks,
  WebhookDelivery,
  WebhookHandler,
  WebhookHandlerSettings,
  WebhookParser,
  WebhookReport,
  WebhookVerification,
  WebhookVerifier,
} from './capture/change-capture';
export { toExpressMiddleware, toNodeListener } from './capture/node-webhook-listener';
export type { NodeWebhookListenerOptions, WebhookMiddleware } from './capture/node-webhook-listener';
export { writeBackfill } from './capture/backfill';
export type { BackfillOptions, BackfillReport, BackfillSubject } from './capture/backfill';
export { protectEventIps, protectInputIps, protectIp, MIN_IP_HMAC_KEY_BYTES } from './model/ip-protection';
export type { IpProtection } from './model/ip-protection';
export { createAdapterRectify } from './rights/adapter-rectify';
export type { AdapterRectifySettings } from './rights/adapter-rectify';
