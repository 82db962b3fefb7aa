/** A document's routes and its file links: what `/api/documents/…` and `/files/…` requests load together (see lazy-app.ts). */
export { documentFileRoutes } from '../routes/document-files';
export { documentReprocessRoutes } from '../routes/document-reprocess';
export { documentRoutes } from '../routes/documents';
export { fileLinkRoutes } from '../routes/file-links';
