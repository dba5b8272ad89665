export { batches, chunk } from './batches';
export { withRetry, isRetryableError, parseRetryAfter, sleep } from './retry';
export type { RetryInfo, RetryOptions } from './retry';
export { createRateLimiter, createUnlimitedRateLimiter } from './rate-limiter';
export type { RateLimiter, RateLimitSettings } from './rate-limiter';
export { createApiCallRunner } from './api-call-runner';
export type { ApiCallRunner, ApiCallRunnerSettings } from './api-call-runner';
export { runPushPipeline, planWrite, failureFromError } from './push-pipeline';
export type { ExistingTrailInfo, PlannedWrite, PushPipelineSettings } from './push-pipeline';
