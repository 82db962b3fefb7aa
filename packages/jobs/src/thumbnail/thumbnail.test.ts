import { inspectImage, sniffContentType } from '@paperlane/adapters/files';
import {
  corruptJpeg,
  encryptedPdf,
  manyPagePdf,
  notDocuments,
  plainImage,
  pngDeclaring,
  truncatedJpeg,
} from '@paperlane/adapters/files/test-support/hostile-files';
import { AbortedError, type BlobStore, blobKeys, errorCode, isPermanent } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocumentHarness, startDocumentHarness } from '../invoice-processing/test-harness';
import { createThumbnailHandler } from './handler';

let h: DocumentHarness;
beforeAll(async () => {
  h = await startDocumentHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** The blob store, counting the writes that go through it. */
function countingPuts(blobs: BlobStore) {
  const puts: string[] = [];
  const store: BlobStore = {
    ...blobs,
    put: (key, body, options) => {
      puts.push(key);
      return blobs.put(key, body, options);
    },
  };
  return { store, puts };
}

const run = async (ids: { tenantId: string; documentId: string }, deps = h.deps()) => {
  const ctx = await h.context('thumbnail', { tenantId: ids.tenantId, documentId: ids.documentId });
  return { result: await createThumbnailHandler(deps)(ctx), ctx };
};

/** Every stored thumbnail is a WebP of the recorded size, under the key for its width. */
async function expectStoredThumbnails(tenantId: string, documentId: string) {
  const document = await h.store.documents.get({ tenantId, documentId });
  const thumbnails = document?.thumbnails;
  expect(thumbnails?.items.map((t) => t.requestedWidth)).toEqual([150, 300, 600]);
  for (const item of thumbnails?.items ?? []) {
    expect(item.key).toBe(blobKeys.thumbnail(tenantId, documentId, item.requestedWidth));
    const bytes = await h.blobs.get(item.key);
    expect(bytes && sniffContentType(bytes)).toBe('image/webp');
    const size = await inspectImage(bytes ?? new Uint8Array());
    expect([size.width, size.height]).toEqual([item.width, item.height]);
  }
  // 4×3 (or 3×4) components in base83: the size byte, the maximum, the DC and 11 AC values.
  expect(thumbnails?.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{28}$/);
  return thumbnails!;
}

describe('thumbnail job', () => {
  it('renders a JPEG to WebP at 150/300/600, keeps the aspect, stores a blurhash and the original size', async () => {
    const { tenantId, documentId } = await h.ingest('de-receipt.jpg');
    const { result, ctx } = await run({ tenantId, documentId });
    const thumbnails = await expectStoredThumbnails(tenantId, documentId);
    expect(thumbnails.original).toEqual({ width: 628, height: 739 });
    for (const item of thumbnails.items) {
      expect(item.width).toBe(item.requestedWidth);
      expect(Math.abs(item.height - (item.width * 739) / 628)).toBeLessThanOrEqual(1);
    }
    expect(result).toMatchObject({
      document_id: documentId,
      widths: [150, 300, 600],
      blurhash: thumbnails.blurhash,
    });
    expect(ctx.progressValues.at(-1)).toBe(100);
    expect([...ctx.progressValues].sort((a, b) => a - b)).toEqual(ctx.progressValues);
  });

  it('renders the first page of a PDF', async () => {
    const { tenantId, documentId } = await h.ingest('en-us-classic.pdf');
    await run({ tenantId, documentId });
    const thumbnails = await expectStoredThumbnails(tenantId, documentId);
    const { width, height } = thumbnails.original;
    for (const item of thumbnails.items) {
      expect(Math.abs(item.height - (item.width * height) / width)).toBeLessThanOrEqual(1);
    }
  });

  it('applies the EXIF orientation and never enlarges a small original', async () => {
    const { tenantId, documentId } = await h.ingest(
      'phone.jpg',
      await plainImage(400, 200, { orientation: 6 }),
    );
    await run({ tenantId, documentId });
    const thumbnails = await expectStoredThumbnails(tenantId, documentId);
    expect(thumbnails.original).toEqual({ width: 200, height: 400 });
    expect(thumbnails.items.map((t) => [t.width, t.height])).toEqual([
      [150, 300],
      [200, 400],
      [200, 400],
    ]);
  });

  it('is idempotent: a recorded document is not rendered or written again', async () => {
    const { tenantId, documentId } = await h.ingest('nl-receipt.jpg');
    const { store, puts } = countingPuts(h.blobs);
    await run({ tenantId, documentId }, h.deps({ blobs: store }));
    expect(puts).toHaveLength(3);
    const first = await h.store.documents.get({ tenantId, documentId });
    const { result } = await run({ tenantId, documentId }, h.deps({ blobs: store }));
    expect(result).toMatchObject({ already_done: true, widths: [150, 300, 600] });
    expect(puts).toHaveLength(3);
    expect((await h.store.documents.get({ tenantId, documentId }))?.thumbnails).toEqual(first?.thumbnails);
  });

  it('fails permanently for a missing document or a missing original', async () => {
    const missing = await run({ tenantId: 'nobody', documentId: 'doc_missing' }).catch((e: unknown) => e);
    expect(isPermanent(missing)).toBe(true);
    expect(errorCode(missing)).toBe('document_not_found');

    const { tenantId, documentId } = await h.ingest('it-receipt.png');
    await h.blobs.delete(blobKeys.original(tenantId, documentId));
    const gone = await run({ tenantId, documentId }).catch((e: unknown) => e);
    expect(isPermanent(gone)).toBe(true);
    expect(errorCode(gone)).toBe('original_missing');
  });

  it('stops at an aborted signal with a retryable error and records nothing', async () => {
    const { tenantId, documentId } = await h.ingest('en-ie-receipt.jpg');
    const controller = new AbortController();
    controller.abort(new Error('time budget spent'));
    const ctx = await h.context('thumbnail', { tenantId, documentId }, { signal: controller.signal });
    const error = await createThumbnailHandler(h.deps())(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(isPermanent(error)).toBe(false);
    expect((await h.store.documents.get({ tenantId, documentId }))?.thumbnails).toBeUndefined();
  });
});

describe('thumbnail job with hostile files', () => {
  const hostile: [string, () => Promise<Uint8Array> | Uint8Array, string][] = [
    ['an empty file', () => new Uint8Array(), 'empty_file'],
    ['HTML renamed to .pdf', () => notDocuments.html, 'unsupported_file_type'],
    ['ZIP renamed to .pdf', () => notDocuments.zip, 'unsupported_file_type'],
    ['an encrypted PDF', () => encryptedPdf(), 'encrypted_pdf'],
    ['a 500-page PDF', () => manyPagePdf(500), 'too_many_pages'],
    ['a pixel bomb (PNG declaring 20000×20000)', () => pngDeclaring(20_000, 20_000), 'pixel_limit_exceeded'],
    ['a corrupt JPEG', () => corruptJpeg(), 'corrupt_file'],
    ['a truncated JPEG', () => truncatedJpeg(), 'corrupt_file'],
  ];

  it.each(hostile)('fails %s permanently with its reason and stores nothing', async (_, make, code) => {
    const { tenantId, documentId } = await h.seed(await make());
    const { store, puts } = countingPuts(h.blobs);
    const error = await run({ tenantId, documentId }, h.deps({ blobs: store })).catch((e: unknown) => e);
    expect(isPermanent(error)).toBe(true);
    expect(errorCode(error)).toBe(code);
    expect(puts).toEqual([]);
    expect((await h.store.documents.get({ tenantId, documentId }))?.thumbnails).toBeUndefined();
  });

  it('refuses an original over the read cap without reading it', async () => {
    const { tenantId, documentId } = await h.ingest('fr-amount-due.png');
    const error = await run(
      { tenantId, documentId },
      h.deps({ limits: { maxFileBytes: 1024, maxTextBytes: 1024 } }),
    ).catch((e: unknown) => e);
    expect(isPermanent(error)).toBe(true);
    expect(errorCode(error)).toBe('file_too_large');
  });
});
