/** Health, metrics and the operator's routes, loaded together (see lazy-app.ts). */
export { adminRoutes } from '../routes/admin';
export { adminBoardRoutes } from '../routes/admin-board';
export { healthRoutes } from '../routes/health';
export { metricsRoutes } from '../routes/metrics';
export { queueStatsRoutes } from '../routes/queue-stats';
