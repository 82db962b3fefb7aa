import { OpenAPIHono } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiDeps } from './deps';
import { docsRoutes } from './docs-page';
import type { ApiEnv } from './env';
import { describeError, describeIssues, toErrorResponse } from './errors';
import { authenticate, requireAdmin } from './middleware/authenticate';
import { boundedJson, DEFAULT_BODY_LIMITS, requestSizeCeiling } from './middleware/bounded-body';
import { httpMetrics } from './middleware/http-metrics';
import { requestContext } from './middleware/request-context';
import type { adminRoutes } from './routes/admin';
import type { adminBoardRoutes } from './routes/admin-board';
import type { automationRoutes } from './routes/automations';
import type { consoleRoutes } from './routes/console';
import type { documentFileRoutes } from './routes/document-files';
import type { documentReprocessRoutes } from './routes/document-reprocess';
import type { documentRoutes } from './routes/documents';
import type { eventStreamRoutes } from './routes/events-stream';
import type { failedJobRoutes } from './routes/failed-jobs';
import type { fileLinkRoutes } from './routes/file-links';
import type { healthRoutes } from './routes/health';
import type { jobRoutes } from './routes/jobs';
import type { tenantListRoutes } from './routes/lists';
import type { mailboxRoutes } from './routes/mailboxes';
import type { metricsRoutes } from './routes/metrics';
import type { presignedUploadRoutes } from './routes/presigned-uploads';
import type { queueStatsRoutes } from './routes/queue-stats';
import { routeBodyLimit } from './routes/route-body-limit';
import type { uploadRoutes } from './routes/upload';
import type { webhookRoutes } from './routes/webhooks';
import type { registerWebhookEvents } from './webhook-events';

export const API_VERSION = '0.1.0';

/** Where the OpenAPI document is served: the one path that needs every route group. */
export const OPENAPI_PATH = '/openapi.json';

/**
 * The app's route groups, one sub-app per module under `routes/`. Only types are
 * imported here: the Lambda's lazy app loads each module on the first request a
 * route of it could serve (see lazy-app.ts), `createApp` loads them all at once.
 */
export interface RouteGroups {
  console: ReturnType<typeof consoleRoutes>;
  health: ReturnType<typeof healthRoutes>;
  metrics: ReturnType<typeof metricsRoutes>;
  fileLinks: ReturnType<typeof fileLinkRoutes>;
  eventStream: ReturnType<typeof eventStreamRoutes>;
  adminBoard: ReturnType<typeof adminBoardRoutes>;
  upload: ReturnType<typeof uploadRoutes>;
  presignedUploads: ReturnType<typeof presignedUploadRoutes>;
  jobs: ReturnType<typeof jobRoutes>;
  lists: ReturnType<typeof tenantListRoutes>;
  failedJobs: ReturnType<typeof failedJobRoutes>;
  documents: ReturnType<typeof documentRoutes>;
  documentReprocess: ReturnType<typeof documentReprocessRoutes>;
  documentFiles: ReturnType<typeof documentFileRoutes>;
  automations: ReturnType<typeof automationRoutes>;
  mailboxes: ReturnType<typeof mailboxRoutes>;
  webhooks: ReturnType<typeof webhookRoutes>;
  queueStats: ReturnType<typeof queueStatsRoutes>;
  admin: ReturnType<typeof adminRoutes>;
}
export type RouteGroupName = keyof RouteGroups;

/**
 * The groups `assembleApp` routes after the bearer checks on `/api/*` and `/admin/*`:
 * a request that carries no credential is answered 401 before any of them is reached,
 * so the lazy app answers it without loading them. `lazy-app.test.ts` sends every
 * path of these groups unauthenticated to the eager app and expects that 401.
 */
export const GROUPS_BEHIND_BEARER: readonly RouteGroupName[] = [
  'upload',
  'presignedUploads',
  'jobs',
  'lists',
  'failedJobs',
  'documents',
  'documentReprocess',
  'documentFiles',
  'automations',
  'mailboxes',
  'webhooks',
  'queueStats',
  'admin',
];

/**
 * The one place the app's order is written: shared middleware, error shapes and the
 * groups in the order their routes and middleware apply (the event stream before the
 * `/api/*` bearer check, Bull Board before the `/admin/*` one). Both the eager and the
 * lazy app are this function, so they cannot order anything differently.
 * `describeWebhooks` adds the webhook events to the document; the lazy app passes it
 * only once every group is loaded, the only time it serves the document.
 *
 * @example assembleApp(deps, groups, registerWebhookEvents).fetch(request)
 */
export function assembleApp(
  deps: ApiDeps,
  groups: RouteGroups,
  describeWebhooks?: typeof registerWebhookEvents,
) {
  const app = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return c.json(
          {
            error: {
              code: 'invalid_request',
              message: 'the request does not match the API schema',
              details: describeIssues(result.error.issues),
            },
          },
          400,
        );
      }
    },
  });

  app.use('*', requestContext(deps.logger));
  if (deps.metrics) app.use('*', httpMetrics(deps.metrics));
  // Before anything reads a body: no route takes more than its limit, no JSON body nests
  // deeper than the store can hold (a 6 KB body 1,000 levels deep once overflowed its stack).
  const bodyLimits = { ...DEFAULT_BODY_LIMITS, ...deps.bodyLimits };
  const routeBody = routeBodyLimit(deps.limits, bodyLimits.maxBytes);
  app.use('*', requestSizeCeiling(routeBody), boundedJson(bodyLimits, routeBody));
  app.onError((error, c) => {
    const { status, body, headers } = toErrorResponse(error);
    if (status >= 500) c.get('logger')?.error('request failed', { error: describeError(error) });
    for (const [name, value] of Object.entries(headers ?? {})) c.header(name, value);
    return c.json(body, status as ContentfulStatusCode);
  });
  app.notFound((c) =>
    c.json(
      { error: { code: 'route_not_found', message: `no route for ${c.req.method} ${c.req.path}` } },
      404,
    ),
  );

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  describeWebhooks?.(app.openAPIRegistry);
  app.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: {
      title: 'Paperlane API',
      version: API_VERSION,
      description: 'Upload documents, follow their background jobs, and operate the queues.',
    },
  });
  app.route('/', docsRoutes());
  app.route('/', groups.console);
  app.route('/', groups.health);
  app.route('/', groups.metrics);
  // Outside `/api`: a link's token is its only credential (an `<img>` sends no header).
  app.route('/', groups.fileLinks);

  // Before the bearer middleware: the stream also takes `?token=` (EventSource sets no headers).
  app.route('/', groups.eventStream);
  app.use('/api/*', authenticate(deps.verifyToken));
  // Before the bearer middleware: Bull Board also takes the admin cookie (browsers send no header).
  app.route('/', groups.adminBoard);
  app.use('/admin/*', authenticate(deps.verifyToken), requireAdmin);

  // From here on: GROUPS_BEHIND_BEARER, in this order.
  return app
    .route('/', groups.upload)
    .route('/', groups.presignedUploads)
    .route('/', groups.jobs)
    .route('/', groups.lists)
    .route('/', groups.failedJobs)
    .route('/', groups.documents)
    .route('/', groups.documentReprocess)
    .route('/', groups.documentFiles)
    .route('/', groups.automations)
    .route('/', groups.mailboxes)
    .route('/', groups.webhooks)
    .route('/', groups.queueStats)
    .route('/', groups.admin);
}
