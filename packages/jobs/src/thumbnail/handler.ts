import {
  type BlobStore,
  blobKeys,
  type Clock,
  type DocumentContentType,
  type JobHandler,
  type JobResult,
  NotFoundError,
} from '@paperlane/core';
import type { DocumentThumbnails, Store } from '@paperlane/store';
import { jobProgress } from '../invoice-processing/job-progress';
import { loadDocument, loadOriginal } from '../invoice-processing/load-original';
import { type SniffContentType, throwIfAborted } from '../invoice-processing/read-invoice';

/** One rendered size (the images adapter's `Thumbnail`). */
export interface RenderedThumbnail {
  /** The width asked for: the blob key is built from it. */
  requestedWidth: number;
  width: number;
  height: number;
  contentType: string;
  bytes: Uint8Array;
}

/** What a renderer returns for one document (the images adapter's `ThumbnailSet`). */
export interface RenderedThumbnails {
  original: { width: number; height: number };
  thumbnails: RenderedThumbnail[];
  blurhash: string;
}

/**
 * Renders every configured size from one file. The wiring binds the adapter's
 * `renderThumbnails` with the widths, quality and file limits, so jobs stay free of
 * image libraries. Throws PermanentError for files it cannot or will not decode.
 */
export type RenderThumbnails = (input: {
  bytes: Uint8Array;
  contentType: DocumentContentType;
  signal?: AbortSignal;
}) => Promise<RenderedThumbnails>;

export interface ThumbnailDeps {
  store: Pick<Store, 'documents'>;
  blobs: BlobStore;
  sniff: SniffContentType;
  renderThumbnails: RenderThumbnails;
  limits: { maxFileBytes: number };
  clock: Clock;
}

/**
 * The `thumbnail` job: renders the document's thumbnails (WebP, every width in
 * parallel from one decode), stores them at `blobKeys.thumbnail`, and records the
 * blurhash, original size and keys on the document. Blobs are written before the
 * record, so a recorded set always exists; a re-run of a recorded document does nothing.
 * Hostile files (corrupt, pixel bombs, encrypted or oversized PDFs, non-documents)
 * fail permanently with the renderer's code.
 *
 * @example handlers.thumbnail = createThumbnailHandler({ store, blobs, sniff: sniffContentType,
 *   renderThumbnails: ({ bytes, contentType }) => renderThumbnails(bytes, contentType, fileLimits, thumbnailConfig),
 *   limits: { maxFileBytes }, clock });
 */
export function createThumbnailHandler(deps: ThumbnailDeps): JobHandler<'thumbnail'> {
  return async (ctx): Promise<JobResult> => {
    const { tenantId, documentId } = ctx.payload;
    const document = await loadDocument(deps.store, tenantId, documentId);
    if (document.thumbnails) {
      return { document_id: documentId, already_done: true, widths: widthsOf(document.thumbnails) };
    }
    const progress = jobProgress(ctx.progress, ctx.logger);
    const bytes = await loadOriginal(deps.blobs, document, deps.limits.maxFileBytes, ctx.signal);
    const contentType = deps.sniff(bytes);
    progress.report(10);
    const set = await deps.renderThumbnails({ bytes, contentType, signal: ctx.signal });
    throwIfAborted(ctx.signal, 'storing thumbnails');
    progress.report(70);

    const items = await Promise.all(
      set.thumbnails.map(async (thumbnail) => {
        const key = blobKeys.thumbnail(tenantId, documentId, thumbnail.requestedWidth);
        await deps.blobs.put(key, thumbnail.bytes, { contentType: thumbnail.contentType });
        const { requestedWidth, width, height } = thumbnail;
        return { requestedWidth, width, height, key };
      }),
    );
    const thumbnails: DocumentThumbnails = {
      blurhash: set.blurhash,
      original: { width: set.original.width, height: set.original.height },
      items,
    };
    const updated = await deps.store.documents.update({
      tenantId,
      documentId,
      thumbnails,
      now: deps.clock.now(),
    });
    if (!updated) {
      throw new NotFoundError(`document ${documentId} was deleted`, { code: 'document_not_found' });
    }
    progress.report(100);
    await progress.flush();
    return { document_id: documentId, widths: widthsOf(thumbnails), blurhash: thumbnails.blurhash };
  };
}

function widthsOf(thumbnails: DocumentThumbnails): number[] {
  return thumbnails.items.map((item) => item.width);
}
