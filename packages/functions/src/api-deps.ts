import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type ApiDeps, createRateLimiter, createTokenVerifier, type HealthCheck } from '@paperlane/api';
import { systemClock } from '@paperlane/core';
import type { Container } from './container';

/**
 * The parts of a container the API uses. The local container has them all; the API
 * Lambda builds just these (no workers, no BullMQ, no emulators in its bundle).
 */
export type ApiWiring = Pick<
  Container,
  'config' | 'store' | 'blobs' | 'dispatcher' | 'events' | 'sniff' | 'logger'
>;

/** The HTTP app's dependencies from a container; `jwtSecret` when no JWKS is configured. */
export function buildApiDeps(container: ApiWiring, auth: { jwtSecret?: string }): ApiDeps {
  const { env } = container.config;
  const verifyToken = createTokenVerifier({
    ...(auth.jwtSecret ? { secret: auth.jwtSecret } : {}),
    ...(env.JWT_JWKS_URL ? { jwksUrl: env.JWT_JWKS_URL } : {}),
    ...(env.JWT_ISSUER ? { issuer: env.JWT_ISSUER } : {}),
    ...(env.JWT_AUDIENCE ? { audience: env.JWT_AUDIENCE } : {}),
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
    rateLimiter: createRateLimiter({ perMinute: env.RATE_LIMIT_PER_MINUTE }),
    sniff: container.sniff,
    clock: systemClock,
    logger: container.logger,
    health,
    sweepGraceMs: env.SWEEP_GRACE_MS,
  };
}
