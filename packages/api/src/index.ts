export { API_VERSION, type App, createApp } from './app';
export { type Principal, type PrincipalRole, principalSchema, ROLES } from './auth/principal';
export {
  type AuthConfig,
  authConfigSchema,
  createTokenVerifier,
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  mintToken,
  type TokenVerifier,
} from './auth/tokens';
export type { ApiDeps, HealthCheck, MailboxApiDeps, UploadLimits } from './deps';
export type { ApiEnv } from './env';
export { type ErrorBody, errorBodySchema, HttpError, toErrorResponse } from './errors';
export { listRoutes } from './list-routes';
export {
  type BodyLimits,
  DEFAULT_BODY_LIMITS,
  readBodyChunks,
  readBoundedBody,
} from './middleware/bounded-body';
export { createRateLimiter, createSharedRateLimiter, type RateLimiter } from './middleware/rate-limit';
export * from './presenters';
export type { MetricsExposition } from './routes/metrics';
export type { QueueWindow, QueueWindowSummary } from './routes/queue-stats';
export { type UploadResponse, uploadResponseSchema } from './routes/upload';
export { DEFAULT_ROTATION_GRACE_MS, type WebhookApiDeps } from './routes/webhooks';
