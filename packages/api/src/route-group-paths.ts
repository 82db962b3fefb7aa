import type { RouteGroupName } from './assemble-app';

/**
 * Every path each route group serves or guards, in Hono's syntax: what the lazy app
 * matches a request against to know which groups to load before dispatching it. A
 * test holds this table equal to the groups' own routes, so a new route cannot be
 * left out (its group would not load and the request would answer 404).
 */
export const ROUTE_GROUP_PATHS: { readonly [G in RouteGroupName]: readonly string[] } = {
  console: ['/', '/console/session', '/console/:file'],
  health: ['/healthz'],
  metrics: ['/metrics'],
  fileLinks: ['/files/:token'],
  eventStream: ['/api/events'],
  adminBoard: ['/admin/session', '/admin/board', '/admin/board/*'],
  upload: ['/api/upload'],
  presignedUploads: [
    '/api/uploads',
    '/api/uploads/:session_id/complete',
    '/api/uploads/:session_id/files/:upload_id',
  ],
  jobs: [
    '/api/jobs/:job_id/retry',
    '/api/jobs/bulk',
    '/api/jobs/batch',
    '/api/jobs/:job_id',
    '/api/jobs/:job_id/cancel',
  ],
  lists: ['/api/jobs', '/api/documents', '/api/upload-sessions'],
  failedJobs: ['/api/jobs/bulk-retry', '/api/failed-jobs/groups'],
  documents: [
    '/api/documents/:document_id',
    '/api/documents/:document_id/status',
    '/api/upload-sessions/:session_id',
    '/api/documents/:document_id/thumbnails/:width',
  ],
  documentReprocess: ['/api/documents/:document_id/reprocess'],
  documentFiles: ['/api/documents/:document_id/original', '/api/documents/:document_id/links'],
  automations: ['/api/automations', '/api/automations/:automation_id', '/api/automations/:automation_id/run'],
  mailboxes: [
    '/api/mailboxes',
    '/api/mailboxes/:mailbox_id',
    '/api/mailboxes/:mailbox_id/sync',
    '/api/mailboxes/:mailbox_id/syncs',
  ],
  webhooks: [
    '/api/events',
    '/api/webhooks',
    '/api/webhooks/:webhook_id',
    '/api/webhooks/:webhook_id/rotate-secret',
    '/api/webhooks/:webhook_id/deliveries',
    '/api/webhooks/:webhook_id/deliveries/:delivery_id/redeliver',
  ],
  queueStats: ['/admin/queues/stats'],
  admin: [
    '/admin/queues',
    '/admin/queues/:name/failed',
    '/admin/queues/:name/redrive',
    '/admin/queues/:name/pause',
    '/admin/queues/:name/resume',
  ],
};
