import { type BlobStore, NotFoundError } from '@paperlane/core';
import type { DocumentRecord, Store } from '@paperlane/store';

/**
 * A tenant's document record; NotFoundError (`document_not_found`) when there is none,
 * which is permanent: a job for a deleted document has nothing to do.
 */
export async function loadDocument(
  store: Pick<Store, 'documents'>,
  tenantId: string,
  documentId: string,
): Promise<DocumentRecord> {
  const document = await store.documents.get({ tenantId, documentId });
  if (!document) {
    throw new NotFoundError(`document ${documentId} not found`, { code: 'document_not_found' });
  }
  return document;
}

/**
 * The document's original bytes, read with a size cap: the blob store refuses
 * (`file_too_large`) without reading past `maxBytes`, so a huge object never fills memory.
 */
export async function loadOriginal(
  blobs: BlobStore,
  document: DocumentRecord,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const bytes = await blobs.get(document.blobKey, { maxBytes, ...(signal ? { signal } : {}) });
  if (!bytes) {
    throw new NotFoundError(`the file of document ${document.documentId} is missing`, {
      code: 'original_missing',
    });
  }
  return bytes;
}
