import type { ApiDeps } from './deps';

/**
 * Stands in for every dependency while routes are only registered, never called:
 * any property or call yields itself. Registration reads deps only to configure
 * middleware (limits, the rate limiter, the logger), so nothing real is needed.
 *
 * @example createApp(inertDeps()).routes // every route, no store or queue built
 */
export function inertDeps(): ApiDeps {
  const inert: unknown = new Proxy(() => {}, {
    get: (_target, key) => (key === Symbol.toPrimitive ? () => 0 : inert),
    apply: () => inert,
  });
  return inert as ApiDeps;
}
