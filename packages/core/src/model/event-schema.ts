import { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../errors';
import {
  CHANNELS,
  EVENT_TYPES,
  LAWFUL_BASES,
  SOURCE_KINDS,
  type ProvenanceEvent,
  type ProvenanceEventInput,
} from './event';
import {
  checkTypeRules as reportTypeRules,
  DIGEST,
  EVENT_ID,
  FIELD_NAME,
  HTTP_URL,
  IP_DIGEST,
  isLocaleTag,
  isRealDateTime,
  MULTI_LINE,
  PURPOSE,
  SALT,
  SHA256_HEX,
  SINGLE_LINE,
  WELL_FORMED,
  type TypeRuleShape,
} from './event-rules';
import { parseStoredEventFast } from './stored-event-fast-path';
import { normalizeEmail } from './subject';

const WELL_FORMED_REASON = 'must be well-formed Unicode (it holds a lone surrogate, which no CRM can store as it is)';

const singleLine = (max: number) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .regex(SINGLE_LINE, { error: 'must not contain control characters' })
    .regex(WELL_FORMED, { error: WELL_FORMED_REASON });
const multiLine = (max: number) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .regex(MULTI_LINE, { error: 'must not contain control characters other than tab and newline' })
    .regex(WELL_FORMED, { error: WELL_FORMED_REASON });
const nonEmptyLine = (max: number) => singleLine(max).trim().min(1, { error: 'must not be empty' });

const isoDateTime = z
  .string()
  .refine((value) => isRealDateTime(value), {
    error: 'must be an ISO 8601 date-time with a time zone (e.g. 2012-09-19T10:30:00Z), on a real calendar day between 1900 and 2199',
  })
  .transform((value) => new Date(value).toISOString());

const emailSubject = z
  .string()
  .max(254, { error: 'must be at most 254 characters' })
  .transform((value) => normalizeEmail(value))
  .pipe(z.email({ error: 'must be a valid email address' }));

const url = singleLine(2048).refine((value) => HTTP_URL.test(value), { error: 'must be an http(s) URL' });

const redactedValue = z.strictObject({ redacted: z.literal(true), digest: z.string().regex(DIGEST) });
const fieldValue = z.union([multiLine(10_000), z.number().finite(), z.boolean(), z.null()]);
const ipAddress = z.union([z.ipv4(), z.ipv6(), z.string().regex(IP_DIGEST)], {
  error: 'must be an IPv4 or IPv6 address (or a sha256:/hmac: digest of one)',
});

const sourceSchema = z.strictObject({
  kind: z.enum(SOURCE_KINDS as [string, ...string[]], { error: `must be one of ${SOURCE_KINDS.join(', ')}` }),
  name: nonEmptyLine(200),
  place: nonEmptyLine(200).optional(),
  url: url.optional(),
  campaign: nonEmptyLine(200).optional(),
  partner: nonEmptyLine(200).optional(),
  phrases: z
    .record(z.string(), nonEmptyLine(300))
    .superRefine((phrases, context) => {
      for (const key of Object.keys(phrases)) {
        if (!isLocaleTag(key)) context.addIssue({ code: 'custom', path: [key], message: 'keys must be BCP 47 language tags such as fr or en-GB' });
      }
    })
    .optional(),
});

const actorSchema = z.strictObject({
  kind: z.enum(['subject', 'staff', 'system', 'integration']),
  id: nonEmptyLine(200).optional(),
  name: nonEmptyLine(200).optional(),
});

function proofSchema(allowRedacted: boolean) {
  const personal = <T extends z.ZodType>(schema: T) => (allowRedacted ? z.union([schema, redactedValue]) : schema);
  return z.strictObject({
    ip: personal(ipAddress).optional(),
    userAgent: personal(singleLine(1000)).optional(),
    formUrl: url.optional(),
    formVersion: nonEmptyLine(100).optional(),
    wording: multiLine(10_000).optional(),
    wordingHash: z.string().regex(SHA256_HEX, { error: 'must be a lower-case hex SHA-256' }).optional(),
    doubleOptIn: z
      .strictObject({
        confirmedAt: isoDateTime,
        method: z.enum(['email-link', 'sms-code', 'other']).optional(),
        ip: personal(ipAddress).optional(),
      })
      .optional(),
    documentRef: nonEmptyLine(500).optional(),
  });
}

function fieldChangeSchema(allowRedacted: boolean) {
  const value = allowRedacted ? z.union([fieldValue, redactedValue]) : fieldValue;
  return z.strictObject({
    name: z.string().regex(FIELD_NAME, {
      error: 'must start with a letter and hold only letters, digits, _ . - (at most 64)',
    }),
    value: value.optional(),
    previousValue: value.optional(),
  });
}

function eventFields(allowRedacted: boolean) {
  return {
    at: isoDateTime,
    type: z.enum(EVENT_TYPES as [string, ...string[]], { error: `must be one of ${EVENT_TYPES.join(', ')}` }),
    source: sourceSchema,
    purpose: z
      .string()
      .regex(PURPOSE, { error: 'must be a lower-case key like newsletter or offers.partners' })
      .optional(),
    channel: z.enum(CHANNELS as [string, ...string[]], { error: `must be one of ${CHANNELS.join(', ')}` }).optional(),
    lawfulBasis: z.enum(LAWFUL_BASES as [string, ...string[]], { error: `must be one of ${LAWFUL_BASES.join(', ')}` }).optional(),
    fields: z.array(fieldChangeSchema(allowRedacted)).min(1).max(200).optional(),
    actor: actorSchema.optional(),
    proof: proofSchema(allowRedacted).optional(),
    reason: multiLine(1000).optional(),
  };
}

/** Rules that depend on the event type (see event-rules.ts), as zod issues. */
function checkTypeRules(event: TypeRuleShape, context: z.RefinementCtx) {
  reportTypeRules(event, (path, message) => context.addIssue({ code: 'custom', path, message }));
}

/** Schema of an event as a caller records it. */
export const provenanceEventInputSchema = z
  .strictObject({
    id: z
      .string()
      .transform((value) => (value.length === 36 ? value.toLowerCase() : value))
      .pipe(z.string().regex(EVENT_ID, { error: 'must be a UUID (v7 recommended) or a ULID' }))
      .optional(),
    subject: emailSubject,
    ...eventFields(false),
  })
  .superRefine(checkTypeRules);

/** Schema of an event read back from storage: chained, possibly with redacted values. */
export const provenanceEventSchema = z
  .strictObject({
    id: z.string().regex(EVENT_ID, { error: 'must be a UUID or a ULID' }),
    subject: z.union([emailSubject, redactedValue]),
    salt: z.string().regex(SALT).optional(),
    prev: z.string().regex(SHA256_HEX).nullable(),
    hash: z.string().regex(SHA256_HEX),
    ...eventFields(true),
  })
  .superRefine(checkTypeRules);

/** Converts zod issues into our `ValidationIssue`s with `a.b[3].c` paths. */
export function toValidationIssues(error: z.ZodError, prefix = ''): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(prefix, issue.path), reason: issue.message }));
}

export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let result = prefix;
  for (const key of path) {
    if (typeof key === 'number') result += `[${key}]`;
    else result += result ? `.${String(key)}` : String(key);
  }
  return result;
}

/**
 * Validates and normalises one event input. Throws `ValidationError` naming the path and reason.
 * `path` prefixes the paths in the error (e.g. `events[3]`).
 */
export function parseEventInput(input: unknown, path = ''): ProvenanceEventInput {
  const result = provenanceEventInputSchema.safeParse(input);
  if (!result.success) throw new ValidationError(toValidationIssues(result.error, path), 'Invalid provenance event');
  return stripUndefined(result.data) as ProvenanceEventInput;
}

/** Validates one stored event (as decoded from a CRM). */
export function parseStoredEvent(input: unknown, path = ''): ProvenanceEvent {
  // Most events are well formed: the fast path vouches for those (same result), the schema decides the rest.
  const fast = parseStoredEventFast(input);
  if (fast !== undefined) return fast;
  const result = provenanceEventSchema.safeParse(input);
  if (!result.success) throw new ValidationError(toValidationIssues(result.error, path), 'Invalid stored event');
  return stripUndefined(result.data) as ProvenanceEvent;
}

/** Drops `undefined` members so canonical JSON and deep equality see the same object. */
export function stripUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => stripUndefined(item)) as T;
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) result[key] = stripUndefined(item);
    }
    return result as T;
  }
  return value;
}
