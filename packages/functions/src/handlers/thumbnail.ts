import type { JobHandler } from '@paperlane/core';
import { createThumbnailHandler } from '@paperlane/jobs/thumbnail/handler';
import type { HandlerWiring } from '../container';
import { documentJobDeps } from '../documents/document-job-deps';

/** WebP thumbnails at the configured widths, with a blurhash. */
export function thumbnailModule(wiring: HandlerWiring): JobHandler<'thumbnail'> {
  return createThumbnailHandler(documentJobDeps(wiring));
}
