import { documentSummarySchema } from '@paperlane/core';
import { any, Entity, EntityFormatter, type FormattedItem, item, number, string } from 'dynamodb-toolbox';
import { DOCUMENT_STATUSES, type DocumentRecord, documentThumbnailsSchema } from './document';
import { documentKey } from './keys';
import type { PaperlaneTable } from './table';

export const DOCUMENT_ENTITY = 'Document';

/** The Document item; its session index keys are hidden from formatted records. */
export function createDocumentEntity(table: PaperlaneTable) {
  return new Entity({
    name: DOCUMENT_ENTITY,
    table,
    timestamps: false,
    schema: item({
      tenantId: string().key(),
      documentId: string().key(),
      sessionId: string().optional(),
      folderId: string().optional(),
      fileName: string(),
      contentType: string(),
      sizeBytes: number(),
      sha256: string(),
      blobKey: string(),
      status: string().enum(...DOCUMENT_STATUSES),
      error: string().optional(),
      pageCount: number().optional(),
      metadata: any().castAs<Record<string, unknown>>().optional(),
      // Written whole with $set and parsed on the way out (like invoice fields).
      thumbnails: any().optional(),
      summary: any().optional(),
      createdAt: string(),
      updatedAt: string(),
      gsi1pk: string().optional().hidden(),
      gsi1sk: string().optional().hidden(),
      // The tenant's document list (see keys.ts); absent on documents written before it.
      gsi3pk: string().optional().hidden(),
      gsi3sk: string().optional().hidden(),
    }),
    computeKey: ({ tenantId, documentId }) => documentKey(tenantId, documentId),
  });
}

export type DocumentEntity = ReturnType<typeof createDocumentEntity>;

export function toDocumentRecord(item: FormattedItem<DocumentEntity>): DocumentRecord {
  const { thumbnails, summary, ...rest } = item;
  return {
    ...rest,
    ...(thumbnails !== undefined ? { thumbnails: documentThumbnailsSchema.parse(thumbnails) } : {}),
    ...(summary !== undefined ? { summary: documentSummarySchema.parse(summary) } : {}),
  };
}

export function documentFormatter(entity: DocumentEntity): (raw: Record<string, unknown>) => DocumentRecord {
  const formatter = entity.build(EntityFormatter);
  return (raw) => toDocumentRecord(formatter.format(raw));
}
