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
import { adminRoutes } from './routes/admin';
import { adminBoardRoutes } from './routes/admin-board';
import { automationRoutes } from './routes/automations';
import { consoleRoutes } from './routes/console';
import { documentFileRoutes } from './routes/document-files';
import { documentReprocessRoutes } from './routes/document-reprocess';
import { documentRoutes } from './routes/documents';
import { eventStreamRoutes } from './routes/events-stream';
import { failedJobRoutes } from './routes/failed-jobs';
import { fileLinkRoutes } from './routes/file-links';
import { healthRoutes } from './routes/health';
import { jobRoutes } from './routes/jobs';
import { tenantListRoutes } from './routes/lists';
import { mailboxRoutes } from './routes/mailboxes';
import { metricsRoutes } from './routes/metrics';
import { presignedUploadRoutes } from './routes/presigned-uploads';
import { queueStatsRoutes } from './routes/queue-stats';
import { routeBodyLimit } from './routes/route-body-limit';
import { uploadRoutes } from './routes/upload';
import { webhookRoutes } from './routes/webhooks';
import { registerWebhookEvents } from './webhook-events';

export const API_VERSION = '0.1.0';

/**
 * The Paperlane HTTP API: one Hono app, served by the Node server locally and by
 * Lambda behind API Gateway. Handlers only translate HTTP to calls on the stores,
 * the dispatcher and the ingest logic.
 *
 * @example serve({ fetch: createApp(deps).fetch, port: 3000 })
 */
export function createApp(deps: ApiDeps) {
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
  registerWebhookEvents(app.openAPIRegistry);
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Paperlane API',
      version: API_VERSION,
      description: 'Upload documents, follow their background jobs, and operate the queues.',
    },
  });
  app.route('/', docsRoutes());
  app.route('/', consoleRoutes(deps, { dir: deps.consoleDir }));
  app.route('/', healthRoutes(deps));
  app.route('/', metricsRoutes(deps));
  // Outside `/api`: a link's token is its only credential (an `<img>` sends no header).
  app.route('/', fileLinkRoutes(deps));

  // Before the bearer middleware: the stream also takes `?token=` (EventSource sets no headers).
  app.route('/', eventStreamRoutes(deps));
  app.use('/api/*', authenticate(deps.verifyToken));
  // Before the bearer middleware: Bull Board also takes the admin cookie (browsers send no header).
  app.route('/', adminBoardRoutes(deps));
  app.use('/admin/*', authenticate(deps.verifyToken), requireAdmin);

  return app
    .route('/', uploadRoutes(deps))
    .route('/', presignedUploadRoutes(deps))
    .route('/', jobRoutes(deps))
    .route('/', tenantListRoutes(deps))
    .route('/', failedJobRoutes(deps))
    .route('/', documentRoutes(deps))
    .route('/', documentReprocessRoutes(deps))
    .route('/', documentFileRoutes(deps))
    .route('/', automationRoutes(deps))
    .route('/', mailboxRoutes(deps))
    .route('/', webhookRoutes(deps))
    .route('/', queueStatsRoutes(deps))
    .route('/', adminRoutes(deps));
}

export type App = ReturnType<typeof createApp>;
