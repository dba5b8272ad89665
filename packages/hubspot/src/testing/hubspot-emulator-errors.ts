import { randomUUID } from 'node:crypto';

/**
 * One entry of `errors[]` in HubSpot's `Error` / `StandardError` schemas
 * (`ErrorDetail` in crm-contacts-v3.json: message, code, in, subCategory, context).
 */
export interface HubSpotErrorDetail {
  message: string;
  code?: string;
  in?: string;
  subCategory?: string;
  context?: Record<string, string[]>;
}

/** The `Error` schema HubSpot answers with on any non-2xx (crm-contacts-v3.json `components.schemas.Error`). */
export interface HubSpotErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category: string;
  subCategory?: string;
  errors?: HubSpotErrorDetail[];
  context?: Record<string, string[]>;
  links?: Record<string, string>;
}

/** One failed record inside a 207 multi-status batch answer (`StandardError` schema). */
export interface HubSpotStandardError {
  status: 'error';
  category: string;
  message: string;
  context: Record<string, string[]>;
  errors: HubSpotErrorDetail[];
  links: Record<string, string>;
  subCategory?: string;
  id?: string;
}

/**
 * Thrown inside a route handler to end the request with HubSpot's error shape.
 * The emulator's request wrapper turns it into the HTTP answer.
 */
export class HubSpotEmulatorFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body['message'] === 'string' ? body['message'] : `HTTP ${status}`);
    this.name = 'HubSpotEmulatorFailure';
  }
}

export function errorBody(
  category: string,
  message: string,
  extra: Partial<Pick<HubSpotErrorBody, 'errors' | 'context' | 'links' | 'subCategory'>> = {},
): HubSpotErrorBody {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra };
}

export function failure(
  status: number,
  category: string,
  message: string,
  extra: Partial<Pick<HubSpotErrorBody, 'errors' | 'context' | 'links' | 'subCategory'>> = {},
): HubSpotEmulatorFailure {
  return new HubSpotEmulatorFailure(status, { ...errorBody(category, message, extra) });
}

export function validationFailure(message: string, extra: Partial<Pick<HubSpotErrorBody, 'errors' | 'context' | 'links'>> = {}): HubSpotEmulatorFailure {
  return failure(400, 'VALIDATION_ERROR', message, extra);
}

/** Missing or unknown bearer token. Body as HubSpot sends it (HubSpot/hubspot-api-nodejs#148, #432). */
export function authenticationFailure(): HubSpotEmulatorFailure {
  return failure(
    401,
    'INVALID_AUTHENTICATION',
    'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
  );
}

/** A record-level failure inside a 207 answer. */
export function standardError(category: string, message: string, context: Record<string, string[]> = {}): HubSpotStandardError {
  return { status: 'error', category, message, context, errors: [], links: {} };
}

/** Which limit a 429 reports. `TEN_SECONDLY_ROLLING` is the one the official SDK's retry decorator recognises. */
export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';

const rateLimitMessages: Record<RateLimitPolicy, string> = {
  TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
  // The SDK's RetryDecorator matches this exact text for search's per-second limit.
  SECONDLY: 'You have reached your secondly limit.',
  DAILY: 'You have reached your daily limit.',
};

/**
 * The 429 body. Unlike other errors it carries `errorType` and `policyName` instead of `category`
 * (HubSpot usage-details page as quoted on community.hubspot.com; the SDK's RetryDecorator reads `policyName`).
 */
export function rateLimitBody(policy: RateLimitPolicy): Record<string, unknown> {
  return {
    status: 'error',
    message: rateLimitMessages[policy],
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: policy,
    requestId: randomUUID(),
  };
}
