import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { checkMailboxEndpoint } from '@paperlane/adapters/imap/mailbox-endpoint';
import { parseAllowedHosts } from '@paperlane/adapters/net/host-allowlist';
import { createRegistrationUrlCheck } from '@paperlane/adapters/net/registration-check';
import type { ApiDeps, HealthCheck, MetricsExposition, QueueWindow } from '@paperlane/api';
// By file, not the package's index: that one loads every route group, which the API Lambda loads on first use.
import { createTokenVerifier } from '@paperlane/api/auth/tokens';
import { createRateLimiter, createSharedRateLimiter } from '@paperlane/api/middleware/rate-limit';
import { describeError, type Metrics, systemClock } from '@paperlane/core';
import type { QueueAdmin } from '@paperlane/runtime/admin/queue-admin';
import type { Hono } from 'hono';
import type { Container } from './container';

/**
 * The parts of a container the API uses. The local container has them all; the API
 * Lambda builds just these (no workers, no BullMQ, no emulators in its bundle).
 */
export type ApiWiring = Pick<
  Container,
  'config' | 'store' | 'blobs' | 'dispatcher' | 'events' | 'sniff' | 'logger' | 'secrets' | 'fileLinks'
> & {
  /** Prometheus in Node processes; absent on Lambda, where API Gateway publishes request metrics itself. */
  metrics?: Metrics;
};

/** What an entry point adds: the HS256 secret (when no JWKS is configured) and the admin views it can offer. */
export interface ApiExtras {
  jwtSecret?: string;
  queueAdmin?: QueueAdmin;
  /** Bull Board, with the BullMQ driver. */
  adminBoard?: Hono;
  /** `GET /metrics` text (Node processes only; on Lambda metrics leave as EMF log lines). */
  metricsExposition?: MetricsExposition;
  /** `/admin/queues/stats` from the job records (Node processes; the API Lambda's bundle budget leaves it out). */
  queueWindow?: QueueWindow;
  /** Originals larger than this are a 302 to a link rather than the bytes (Lambda's response cap). */
  maxInlineFileBytes?: number;
}

/** The HTTP app's dependencies from a container. */
export function buildApiDeps(container: ApiWiring, extras: ApiExtras): ApiDeps {
  const auth = extras;
  const { env } = container.config;
  const verifyToken = createTokenVerifier({
    ...(auth.jwtSecret ? { secret: auth.jwtSecret } : {}),
    ...(env.JWT_JWKS_URL ? { jwksUrl: env.JWT_JWKS_URL } : {}),
    ...(env.JWT_ISSUER ? { issuer: env.JWT_ISSUER } : {}),
    ...(env.JWT_AUDIENCE ? { audience: env.JWT_AUDIENCE } : {}),
    ...(env.JWT_MAX_LIFETIME_SECONDS ? { maxLifetimeSeconds: env.JWT_MAX_LIFETIME_SECONDS } : {}),
  });
  const health: HealthCheck[] = [
    {
      name: 'store',
      check: async () => {
        await container.store.table.documentClient?.send(
          new GetCommand({ TableName: env.TABLE_NAME, Key: { pk: 'HEALTH', sk: 'HEALTH' } }),
        );
      },
    },
    {
      name: 'queue',
      check: () => container.dispatcher.ping(),
    },
  ];
  // A missing key answers `undefined`; a missing bucket or folder, bad credentials or no network throw.
  health.push({ name: 'files', check: async () => void (await container.blobs.head('health/probe')) });
  return {
    store: container.store,
    blobs: container.blobs,
    dispatcher: container.dispatcher,
    events: container.events,
    verifyToken,
    limits: container.config.upload,
    ...(env.API_MAX_BODY_BYTES ? { bodyLimits: { maxBytes: env.API_MAX_BODY_BYTES } } : {}),
    ...(env.CONSOLE_DIR ? { consoleDir: env.CONSOLE_DIR } : {}),
    rateLimiter:
      container.config.rateLimitScope === 'shared'
        ? createSharedRateLimiter({
            store: container.store.rateLimits,
            perMinute: env.RATE_LIMIT_PER_MINUTE,
            onError: (error) =>
              container.logger.warn('rate limit not counted; request let through', {
                error: describeError(error),
              }),
          })
        : createRateLimiter({ perMinute: env.RATE_LIMIT_PER_MINUTE }),
    sniff: container.sniff,
    ...(container.config.budgets ? { budgets: container.config.budgets } : {}),
    clock: systemClock,
    logger: container.logger,
    health,
    sweepGraceMs: env.SWEEP_GRACE_MS,
    webhooks: {
      cipher: container.secrets,
      checkUrl: createRegistrationUrlCheck({ allowedHosts: parseAllowedHosts(env.WEBHOOK_ALLOWED_HOSTS) }),
    },
    mailboxes: {
      secrets: container.secrets,
      checkEndpoint: (endpoint) =>
        checkMailboxEndpoint(endpoint, {
          allowInsecureLoopback: env.EMAIL_ALLOW_INSECURE_LOOPBACK === 'true',
        }),
    },
    ...(extras.queueAdmin ? { queueAdmin: extras.queueAdmin } : {}),
    ...(extras.adminBoard ? { adminBoard: extras.adminBoard } : {}),
    ...(container.metrics ? { metrics: container.metrics } : {}),
    ...(extras.metricsExposition ? { metricsExposition: extras.metricsExposition } : {}),
    ...(extras.queueWindow ? { queueWindow: extras.queueWindow } : {}),
    fileLinks: container.fileLinks.signer,
    ...(container.fileLinks.tokens ? { fileTokens: container.fileLinks.tokens } : {}),
    ...(container.fileLinks.origin ? { fileLinkOrigin: container.fileLinks.origin } : {}),
    ...(extras.maxInlineFileBytes === undefined ? {} : { maxInlineFileBytes: extras.maxInlineFileBytes }),
  };
}
