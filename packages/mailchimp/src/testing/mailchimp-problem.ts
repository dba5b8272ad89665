import { randomUUID } from 'node:crypto';
import type { EmulatorResponse } from '@optintrail/emulator-kit';

/** One entry of the `errors[]` list Mailchimp adds to a 400 "Invalid Resource". */
export interface MailchimpFieldError {
  field: string;
  message: string;
}

/** The problem+json body Mailchimp answers every error with (RFC 9457 shape). */
export interface MailchimpProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: MailchimpFieldError[];
}

const PROBLEM_TYPE = 'https://mailchimp.com/developer/marketing/docs/errors/';

/** Thrown inside the emulator's handlers; the server turns it into a problem+json answer. */
export class MailchimpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: MailchimpFieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(`${status} ${title}: ${detail}`);
    this.name = 'MailchimpProblem';
  }

  body(): MailchimpProblemBody {
    return problemBody(this.status, this.title, this.detail, this.errors);
  }

  response(): EmulatorResponse {
    return problemResponse(this.status, this.title, this.detail, this.errors, this.headers);
  }
}

export function problemBody(status: number, title: string, detail: string, errors?: MailchimpFieldError[]): MailchimpProblemBody {
  return { type: PROBLEM_TYPE, title, status, detail, instance: randomUUID(), ...(errors ? { errors } : {}) };
}

export function problemResponse(
  status: number,
  title: string,
  detail: string,
  errors?: MailchimpFieldError[],
  headers?: Record<string, string>,
): EmulatorResponse {
  return {
    status,
    json: problemBody(status, title, detail, errors),
    contentType: 'application/problem+json; charset=utf-8',
    ...(headers ? { headers } : {}),
  };
}

/** The vendor's wording for the errors the emulator raises, in one place. */
export const problems = {
  notFound: () => new MailchimpProblem(404, 'Resource Not Found', 'The requested resource could not be found.'),
  invalidResource: (errors: MailchimpFieldError[], detail = "The resource submitted could not be validated. For field-specific details, see the 'errors' array.") =>
    new MailchimpProblem(400, 'Invalid Resource', detail, errors),
  invalidMergeFields: (errors: MailchimpFieldError[]) => new MailchimpProblem(400, 'Invalid Resource', 'Your merge fields were invalid.', errors),
  badRequest: (detail: string) => new MailchimpProblem(400, 'Bad Request', detail),
  jsonParse: () => new MailchimpProblem(400, 'JSON Parse Exception', 'We encountered an unspecified JSON parsing error.'),
  memberExists: (email: string) =>
    new MailchimpProblem(400, 'Member Exists', `${email} is already a list member. Use PUT to insert or update list members.`),
  forgotten: (email: string) =>
    new MailchimpProblem(
      400,
      'Forgotten Email Not Subscribed',
      `${email} was permanently deleted and cannot be re-imported. The contact must re-subscribe to get back on the list.`,
    ),
  complianceState: (email: string) =>
    new MailchimpProblem(
      400,
      'Member In Compliance State',
      `${email} is already a list member in compliance state due to unsubscribe, bounce, or compliance review and cannot be subscribed.`,
    ),
  apiKeyMissing: () => new MailchimpProblem(401, 'API Key Missing', 'Your request did not include an API key.'),
  apiKeyInvalid: () =>
    new MailchimpProblem(401, 'API Key Invalid', "Your API key may be invalid, or you've attempted to access the wrong datacenter."),
  tooManyConnections: (limit: number, headers?: Record<string, string>) =>
    new MailchimpProblem(429, 'Too Many Requests', `You have exceeded the limit of ${limit} simultaneous connections.`, undefined, headers),
  tooManyPendingBatches: (limit: number) =>
    new MailchimpProblem(429, 'Too Many Requests', `You have more than ${limit} pending batches. Please wait for some to complete before adding any more batches.`),
  internal: () =>
    new MailchimpProblem(500, 'Internal Server Error', 'A deep, internal error has occurred during the processing of your request. Please contact support.'),
};
