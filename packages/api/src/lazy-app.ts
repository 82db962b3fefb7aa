import { OpenAPIHono } from '@hono/zod-openapi';
import { describeError } from '@paperlane/core';
import { Hono } from 'hono';
import { METHOD_NAME_ALL, type Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';
import {
  assembleApp,
  GROUPS_BEHIND_BEARER,
  OPENAPI_PATH,
  type RouteGroupName,
  type RouteGroups,
} from './assemble-app';
import type { ApiDeps } from './deps';
import type { ApiEnv } from './env';
import { toErrorResponse } from './errors';
import { CONSOLE_HEADER } from './middleware/authenticate';
import { ROUTE_GROUP_PATHS } from './route-group-paths';
import type { registerWebhookEvents } from './webhook-events';

/** Each group's module, `import()`ed: bundled with `splitting`, each is a chunk read on first use. */
const LOADERS: { [G in RouteGroupName]: (deps: ApiDeps) => Promise<RouteGroups[G]> } = {
  console: async (deps) => (await import('./routes/console')).consoleRoutes(deps, { dir: deps.consoleDir }),
  health: async (deps) => (await import('./groups/operations')).healthRoutes(deps),
  metrics: async (deps) => (await import('./groups/operations')).metricsRoutes(deps),
  fileLinks: async (deps) => (await import('./groups/documents')).fileLinkRoutes(deps),
  eventStream: async (deps) => (await import('./groups/events')).eventStreamRoutes(deps),
  adminBoard: async (deps) => (await import('./groups/operations')).adminBoardRoutes(deps),
  upload: async (deps) => (await import('./groups/uploads')).uploadRoutes(deps),
  presignedUploads: async (deps) => (await import('./groups/uploads')).presignedUploadRoutes(deps),
  jobs: async (deps) => (await import('./groups/jobs')).jobRoutes(deps),
  lists: async (deps) => (await import('./routes/lists')).tenantListRoutes(deps),
  failedJobs: async (deps) => (await import('./groups/jobs')).failedJobRoutes(deps),
  documents: async (deps) => (await import('./groups/documents')).documentRoutes(deps),
  documentReprocess: async (deps) => (await import('./groups/documents')).documentReprocessRoutes(deps),
  documentFiles: async (deps) => (await import('./groups/documents')).documentFileRoutes(deps),
  automations: async (deps) => (await import('./routes/automations')).automationRoutes(deps),
  mailboxes: async (deps) => (await import('./routes/mailboxes')).mailboxRoutes(deps),
  webhooks: async (deps) => (await import('./groups/events')).webhookRoutes(deps),
  queueStats: async (deps) => (await import('./groups/operations')).queueStatsRoutes(deps),
  admin: async (deps) => (await import('./groups/operations')).adminRoutes(deps),
};

const GROUP_NAMES = Object.keys(ROUTE_GROUP_PATHS) as RouteGroupName[];

/** Which groups have a route or middleware at a path, matched the way the app's own router matches. */
function groupMatcher(): (method: string, path: string) => RouteGroupName[] {
  const router: Router<RouteGroupName> = new SmartRouter({ routers: [new RegExpRouter(), new TrieRouter()] });
  for (const name of GROUP_NAMES) {
    for (const path of ROUTE_GROUP_PATHS[name]) router.add(METHOD_NAME_ALL, path, name);
  }
  return (method, path) => router.match(method, path)[0].map(([name]) => name);
}

/**
 * No `Authorization` header and no console header: `authenticate` answers 401
 * `missing_token` whatever the token checks would say, before any group behind it runs.
 */
function carriesNoCredential(request: Request): boolean {
  return !request.headers.has('authorization') && request.headers.get(CONSOLE_HEADER) !== '1';
}

/** An app with no routes stands in for a group not loaded: no request it could serve has arrived yet. */
function withPlaceholders(loaded: Partial<RouteGroups>): RouteGroups {
  const empty = new OpenAPIHono<ApiEnv>();
  return Object.fromEntries(
    GROUP_NAMES.map((name) => [name, loaded[name] ?? empty]),
  ) as unknown as RouteGroups;
}

/** What the lazy app adds for tests: the groups loaded so far. */
export interface LazyApp extends Hono<ApiEnv> {
  loadedGroups(): RouteGroupName[];
}

/**
 * The same app as `createApp`, for a cold start: each route group's module is
 * `import()`ed, and its schemas built, on the first request one of its routes could
 * serve (`ROUTE_GROUP_PATHS`), and `/openapi.json` loads them all. Each time groups
 * are added the app is assembled again from the loaded ones by `assembleApp`, so
 * middleware, auth, error shapes and order are the eager app's; a group not loaded
 * cannot match the request at hand, so its absence changes no answer. A request
 * with no credential for groups that all sit behind the bearer check loads none:
 * the check answers 401 first either way.
 *
 * @example export const handler = handle(createLazyApp(deps))
 */
export function createLazyApp(deps: ApiDeps): LazyApp {
  const loaded: Partial<RouteGroups> = {};
  const loading = new Map<RouteGroupName, Promise<void>>();
  let describeWebhooks: typeof registerWebhookEvents | undefined;
  const assemble = () => assembleApp(deps, withPlaceholders(loaded), describeWebhooks);
  let app = assemble();
  const groupsAt = groupMatcher();

  function load<G extends RouteGroupName>(name: G): Promise<void> {
    let pending = loading.get(name);
    if (!pending) {
      pending = LOADERS[name](deps).then(
        (group) => {
          loaded[name] = group;
        },
        (error: unknown) => {
          // A later request tries again rather than failing on a cached rejection.
          loading.delete(name);
          throw error;
        },
      );
      loading.set(name, pending);
    }
    return pending;
  }

  async function ensure(names: readonly RouteGroupName[], document: boolean): Promise<void> {
    const missing = names.filter((name) => loaded[name] === undefined);
    const needsWebhooks = document && describeWebhooks === undefined;
    if (missing.length === 0 && !needsWebhooks) return;
    await Promise.all([
      ...missing.map(load),
      needsWebhooks
        ? import('./webhook-events').then((m) => {
            describeWebhooks = m.registerWebhookEvents;
          })
        : undefined,
    ]);
    app = assemble();
  }

  // `handle()` (Lambda) and `serve()` (Node) only call `fetch`; `request()` goes through it too.
  const front: LazyApp = Object.assign(new Hono<ApiEnv>(), {
    loadedGroups: () => GROUP_NAMES.filter((name) => loaded[name] !== undefined),
  });
  front.fetch = async (request, env, executionCtx) => {
    const path = app.getPath(request, { env });
    const document = path === OPENAPI_PATH;
    const groups = document ? GROUP_NAMES : groupsAt(request.method, path);
    // The shell's bearer check answers these alone: a 401 needs no route group loaded.
    const refused =
      !document && carriesNoCredential(request) && groups.every((g) => GROUPS_BEHIND_BEARER.includes(g));
    try {
      if (!refused) await ensure(groups, document);
    } catch (error) {
      // A chunk that cannot load answers as any unexpected error does, not as a failed invocation.
      deps.logger.error('route group failed to load', { path, error: describeError(error) });
      const { status, body } = toErrorResponse(error);
      return Response.json(body, { status });
    }
    return app.fetch(request, env, executionCtx);
  };
  return front;
}
