import { assembleApp, type RouteGroups } from './assemble-app';
import type { ApiDeps } from './deps';
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
import { uploadRoutes } from './routes/upload';
import { webhookRoutes } from './routes/webhooks';
import { registerWebhookEvents } from './webhook-events';

export { API_VERSION } from './assemble-app';

/**
 * Every route group built from `deps`, all loaded up front.
 *
 * @example routeGroups(deps).jobs.routes // the job routes' Hono entries
 */
export function routeGroups(deps: ApiDeps): RouteGroups {
  return {
    console: consoleRoutes(deps, { dir: deps.consoleDir }),
    health: healthRoutes(deps),
    metrics: metricsRoutes(deps),
    fileLinks: fileLinkRoutes(deps),
    eventStream: eventStreamRoutes(deps),
    adminBoard: adminBoardRoutes(deps),
    upload: uploadRoutes(deps),
    presignedUploads: presignedUploadRoutes(deps),
    jobs: jobRoutes(deps),
    lists: tenantListRoutes(deps),
    failedJobs: failedJobRoutes(deps),
    documents: documentRoutes(deps),
    documentReprocess: documentReprocessRoutes(deps),
    documentFiles: documentFileRoutes(deps),
    automations: automationRoutes(deps),
    mailboxes: mailboxRoutes(deps),
    webhooks: webhookRoutes(deps),
    queueStats: queueStatsRoutes(deps),
    admin: adminRoutes(deps),
  };
}

/**
 * The Paperlane HTTP API: one Hono app, served by the Node server locally and by
 * Lambda behind API Gateway (there through `createLazyApp`, which loads the same
 * route groups on first use). Handlers only translate HTTP to calls on the stores,
 * the dispatcher and the ingest logic.
 *
 * @example serve({ fetch: createApp(deps).fetch, port: 3000 })
 */
export function createApp(deps: ApiDeps) {
  return assembleApp(deps, routeGroups(deps), registerWebhookEvents);
}

export type App = ReturnType<typeof createApp>;
