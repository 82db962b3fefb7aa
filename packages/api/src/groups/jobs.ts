/** The job routes and failed-job groups: what `/api/jobs/…` requests load together (see lazy-app.ts). */
export { failedJobRoutes } from '../routes/failed-jobs';
export { jobRoutes } from '../routes/jobs';
