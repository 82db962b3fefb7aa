/** Multipart and presigned uploads, loaded together (see lazy-app.ts). */
export { presignedUploadRoutes } from '../routes/presigned-uploads';
export { uploadRoutes } from '../routes/upload';
