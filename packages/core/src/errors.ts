const marker = Symbol.for('optintrail.error');

/** Base class of every error this SDK throws on purpose. Use `OptinTrailError.isInstance(error)` across package copies. */
export class OptinTrailError extends Error {
  readonly [marker] = true;
  /** A stable machine-readable code, e.g. `VALIDATION_ERROR`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OptinTrailError';
    this.code = code;
  }

  static isInstance(error: unknown): error is OptinTrailError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

/** One problem found in an input: where it is and what is wrong with it. */
export interface ValidationIssue {
  /** Path into the input, e.g. `events[3].source.name` or `at`. */
  readonly path: string;
  /** What is wrong, in words a developer can act on. */
  readonly reason: string;
}

/** An input was rejected before anything was written. Nothing was half-applied. */
export class ValidationError extends OptinTrailError {
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], context?: string) {
    const first = issues[0];
    const summary = first ? `${first.path || '(root)'}: ${first.reason}` : 'invalid input';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super('VALIDATION_ERROR', `${context ? `${context}: ` : ''}${summary}${more}`);
    this.name = 'ValidationError';
    this.issues = issues;
  }

  /** The path of the first problem (the one named in the message). */
  get path(): string {
    return this.issues[0]?.path ?? '';
  }

  /** The reason of the first problem. */
  get reason(): string {
    return this.issues[0]?.reason ?? '';
  }

  static override isInstance(error: unknown): error is ValidationError {
    return OptinTrailError.isInstance(error) && error.code === 'VALIDATION_ERROR';
  }
}

/** Why a trail failed verification. */
export type TrailIntegrityProblem =
  | 'content-mismatch'
  | 'chain-broken'
  | 'subject-mismatch'
  | 'duplicate-event'
  | 'head-mismatch'
  | 'malformed-event';

/** A stored trail does not verify: something was edited, inserted, deleted or reordered. */
export class TrailIntegrityError extends OptinTrailError {
  /** Id of the first event that does not verify (or the last good one for a missing tail). */
  readonly eventId: string | undefined;
  /** Its position in the trail, 0-based. */
  readonly index: number;
  readonly problem: TrailIntegrityProblem;

  constructor(details: { eventId: string | undefined; index: number; problem: TrailIntegrityProblem; detail: string; subject?: string }) {
    super('TRAIL_INTEGRITY_ERROR', `Trail does not verify at event ${details.index}${details.eventId ? ` (${details.eventId})` : ''}: ${details.detail}. The stored trail was changed outside OptinTrail; treat it as evidence of tampering and restore it from a trusted copy.`);
    this.name = 'TrailIntegrityError';
    this.eventId = details.eventId;
    this.index = details.index;
    this.problem = details.problem;
  }

  static override isInstance(error: unknown): error is TrailIntegrityError {
    return OptinTrailError.isInstance(error) && error.code === 'TRAIL_INTEGRITY_ERROR';
  }
}

/**
 * A CRM's API answered with an error (or did not answer). Carries what is needed to decide on a
 * retry; the response body is redacted of credentials before it is stored here.
 */
export class CrmApiError extends OptinTrailError {
  /** Adapter id, e.g. `hubspot`. */
  readonly adapter: string;
  /** What the SDK was doing, e.g. `contacts.batch.upsert`. */
  readonly operation: string;
  /** HTTP status, or undefined when the connection failed before any answer. */
  readonly status: number | undefined;
  /** The vendor's own error code, e.g. `VALIDATION_ERROR`, `REQUEST_LIMIT_EXCEEDED`. */
  readonly vendorCode: string | undefined;
  /** True for 408/409-conflicts-on-lock/429/5xx and dropped connections. */
  readonly isRetryable: boolean;
  /** From Retry-After (or the vendor's equivalent), in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** The response body with secrets removed. */
  readonly responseBody: unknown;

  constructor(details: {
    adapter: string;
    operation: string;
    message: string;
    status?: number | undefined;
    vendorCode?: string | undefined;
    isRetryable?: boolean;
    retryAfterMs?: number | undefined;
    responseBody?: unknown;
    cause?: unknown;
    code?: string;
  }) {
    super(details.code ?? 'CRM_API_ERROR', `${details.adapter} ${details.operation} failed${details.status ? ` (HTTP ${details.status})` : ''}: ${details.message}`, { cause: details.cause });
    this.name = 'CrmApiError';
    this.adapter = details.adapter;
    this.operation = details.operation;
    this.status = details.status;
    this.vendorCode = details.vendorCode;
    this.isRetryable = details.isRetryable ?? isRetryableStatus(details.status);
    this.retryAfterMs = details.retryAfterMs;
    this.responseBody = details.responseBody;
  }

  static override isInstance(error: unknown): error is CrmApiError {
    return OptinTrailError.isInstance(error) && error instanceof Error && (error as CrmApiError).adapter !== undefined && 'isRetryable' in error;
  }
}

/** The credentials were refused (401/expired session). Not retryable: fix the token. */
export class CrmAuthenticationError extends CrmApiError {
  constructor(details: ConstructorParameters<typeof CrmApiError>[0]) {
    super({ ...details, isRetryable: false, code: 'CRM_AUTHENTICATION_ERROR' });
    this.name = 'CrmAuthenticationError';
  }
}

/** The CRM refused for lack of permission (e.g. creating custom fields). */
export class CrmPermissionError extends CrmApiError {
  constructor(details: ConstructorParameters<typeof CrmApiError>[0]) {
    super({ ...details, isRetryable: false, code: 'CRM_PERMISSION_ERROR' });
    this.name = 'CrmPermissionError';
  }
}

/** The subject was erased earlier and its suppression fingerprint forbids writing it again. */
export class SuppressedSubjectError extends OptinTrailError {
  constructor(message = 'This address was erased on request; it is on the suppression list and will not be written again.') {
    super('SUPPRESSED_SUBJECT', message);
    this.name = 'SuppressedSubjectError';
  }
}

/** 408, 425, 429 and every 5xx may succeed later; other 4xx never will. Undefined = no answer at all. */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return true;
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
