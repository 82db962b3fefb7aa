import { documentSummarySchema, idSchema } from '@paperlane/core';
import { z } from 'zod';

export const DOCUMENT_STATUSES = ['uploaded', 'processing', 'processed', 'failed'] as const;
export const documentStatusSchema = z.enum(DOCUMENT_STATUSES);
export type DocumentStatus = z.infer<typeof documentStatusSchema>;

/** What the thumbnail job recorded: sizes to lay out a page before any image loads. */
export const documentThumbnailsSchema = z.object({
  /** Placeholder shown while thumbnails load. */
  blurhash: z.string().min(6).max(200),
  /** Images: pixels as displayed. PDFs: the first page in points. */
  original: z.object({ width: z.number().int().min(1), height: z.number().int().min(1) }),
  items: z
    .array(
      z.object({
        requestedWidth: z.number().int().min(1),
        width: z.number().int().min(1),
        height: z.number().int().min(1),
        key: z.string().min(1).max(1024),
      }),
    )
    .min(1)
    .max(8),
});
export type DocumentThumbnails = z.infer<typeof documentThumbnailsSchema>;

/** An uploaded file: its blob, what we know about it, and how far processing got. */
export const documentRecordSchema = z.object({
  tenantId: idSchema,
  documentId: idSchema,
  sessionId: idSchema.optional(),
  folderId: idSchema.optional(),
  fileName: z.string().min(1).max(1024),
  contentType: z.string().min(1).max(255),
  sizeBytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters'),
  /** Where the bytes live in the blob store. */
  blobKey: z.string().min(1).max(1024),
  status: documentStatusSchema,
  error: z.string().max(4000).optional(),
  pageCount: z.number().int().min(0).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  /** Separate fields (not `metadata`): the thumbnail and summary jobs write them concurrently. */
  thumbnails: documentThumbnailsSchema.optional(),
  summary: documentSummarySchema.optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type DocumentRecord = z.infer<typeof documentRecordSchema>;

/** `create` input: the record without its timestamps; status defaults to `uploaded`. */
export const newDocumentSchema = documentRecordSchema
  .omit({ status: true, createdAt: true, updatedAt: true })
  .extend({ status: documentStatusSchema.default('uploaded'), now: z.date() });
export type NewDocument = z.input<typeof newDocumentSchema>;

/** Fields `update` may change; `null` removes an optional field. */
export const documentPatchSchema = z.object({
  status: documentStatusSchema.optional(),
  error: documentRecordSchema.shape.error.unwrap().nullable().optional(),
  pageCount: documentRecordSchema.shape.pageCount.unwrap().nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  folderId: idSchema.nullable().optional(),
  thumbnails: documentThumbnailsSchema.nullable().optional(),
  summary: documentSummarySchema.nullable().optional(),
});
export type DocumentPatch = z.infer<typeof documentPatchSchema>;
