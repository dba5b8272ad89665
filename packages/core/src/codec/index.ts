export {
  DEFAULT_SUMMARY_FIELD_MAX_BYTES,
  decodeSummaryFields,
  emailFooterReminder,
  encodeSummaryFields,
  PROOF_STRENGTH_LABELS,
  SUMMARY_FIELD_KEYS,
  SUMMARY_FIELDS,
} from './summary-fields';
export type {
  DecodedSummary,
  EncodeSummaryOptions,
  ReminderLocale,
  SummaryFieldKey,
  SummaryFieldSpec,
  SummaryReminder,
  SummaryReminderContext,
} from './summary-fields';
export { decodeTrail, encodeTrail, ENCODED_TRAIL_PREFIX, TRAIL_FIELD_BUDGETS } from './trail-encoding';
export type { DecodedTrail, EncodedTrail, EncodeTrailOptions } from './trail-encoding';
export { decodeTimelineEntry, encodeTimelineEntry } from './timeline-entry';
export type { TimelineEntry, TimelineEntryOptions } from './timeline-entry';
export { chunkPayload, embedPayload, extractPayload, joinChunks, parseChunk, PAYLOAD_MARKER } from './payload-marker';
export type { PayloadChunk } from './payload-marker';
export { truncateUtf8, utf8ByteLength } from './utf8-budget';
