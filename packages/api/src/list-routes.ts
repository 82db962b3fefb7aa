import { createApp } from './app';
import { inertDeps } from './inert-deps';

/**
 * Every route the Hono app serves, as `{ method, path }` with Hono's `:param`
 * syntax, without building any real dependency. The infra linter checks API
 * Gateway's routes against this list.
 *
 * @example listRoutes() // [{ method: 'GET', path: '/healthz' }, ...]
 */
export function listRoutes(): Array<{ method: string; path: string }> {
  const seen = new Set<string>();
  const routes: Array<{ method: string; path: string }> = [];
  for (const { method, path } of createApp(inertDeps()).routes) {
    // Middleware registers as ALL; a route has a concrete method.
    if (method === 'ALL' || seen.has(`${method} ${path}`)) continue;
    seen.add(`${method} ${path}`);
    routes.push({ method, path });
  }
  return routes;
}
