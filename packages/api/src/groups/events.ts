/** `/api/events`: the event stream (GET) and app events with webhook subscriptions, loaded together (see lazy-app.ts). */
export { eventStreamRoutes } from '../routes/events-stream';
export { webhookRoutes } from '../routes/webhooks';
