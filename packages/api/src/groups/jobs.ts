/** The job routes and the lists beside them: what `/api/jobs…` requests load together (see lazy-app.ts). */
export { failedJobRoutes } from '../routes/failed-jobs';
export { jobRoutes } from '../routes/jobs';
export { tenantListRoutes } from '../routes/lists';
