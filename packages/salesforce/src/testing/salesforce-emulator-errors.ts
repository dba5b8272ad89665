/** One entry of Salesforce's REST error body: `[{ message, errorCode, fields }]`. */
export interface SalesforceApiErrorItem {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** One entry of a SaveResult's `errors`: Salesforce names the code `statusCode` there. */
export interface SalesforceRecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** A failure of the whole request: answered with `status` and the error array as the body. */
export class SalesforceRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errors: SalesforceApiErrorItem[],
  ) {
    super(errors[0]?.message ?? `HTTP ${status}`);
    this.name = 'SalesforceRequestError';
  }

  static of(status: number, errorCode: string, message: string, fields?: string[]): SalesforceRequestError {
    return new SalesforceRequestError(status, [{ message, errorCode, ...(fields ? { fields } : {}) }]);
  }
}

export function recordError(statusCode: string, message: string, fields: string[] = []): SalesforceRecordError {
  return { statusCode, message, fields };
}

/** A record-level failure raised where a single-record endpoint answers it as a 400. */
export class SalesforceRecordFailure extends Error {
  constructor(readonly errors: SalesforceRecordError[]) {
    super(errors[0]?.message ?? 'record failed');
    this.name = 'SalesforceRecordFailure';
  }

  toRequestError(status = 400): SalesforceRequestError {
    return new SalesforceRequestError(
      status,
      this.errors.map((error) => ({ message: error.message, errorCode: error.statusCode, fields: error.fields })),
    );
  }
}

export const NOT_FOUND_MESSAGE = 'The requested resource does not exist';

export function notFound(): SalesforceRequestError {
  return SalesforceRequestError.of(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
}

