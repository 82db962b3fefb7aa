const TOPOLOGY_OVERRIDE = /^JOB_(?:CONCURRENCY|RETRY_ATTEMPTS|RETRY_BACKOFF_MS)(?:_[A-Z0-9_]+)?$/;

/**
 * The topology overrides set at deploy time (`JOB_RETRY_ATTEMPTS_WEBHOOK_DELIVERY=20`,
 * ...), passed on to every function. Infra derives redrive counts and concurrency
 * from them, so the consumers' own retry decisions must see the same values.
 */
export function topologyEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => {
      const [key, value] = entry;
      return TOPOLOGY_OVERRIDE.test(key) && value !== undefined && value !== '';
    }),
  );
}
