import { idSchema, jobStatusSchema, queueNameSchema } from '@paperlane/core';
import { z } from 'zod';
import { DOCUMENT_STATUSES } from './document';

/** Page sizes of the tenant lists (the REST contract: 1..100, default 25). */
export const LIST_DEFAULT_LIMIT = 25;
export const LIST_MAX_LIMIT = 100;

const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((value) => new Date(value))
  .refine((date) => !Number.isNaN(date.getTime()), 'not a valid date');

/** Error codes are short snake_case words (`unsupported_file_type`); anything else cannot match one. */
export const errorCodeFilterSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'not an error code');

const page = {
  limit: z.number().int().min(1).max(LIST_MAX_LIMIT).default(LIST_DEFAULT_LIMIT),
  // Length and shape are the cursor decoder's to judge (`invalid_cursor`); this only caps the work.
  cursor: z.string().max(65_536).optional(),
};

/** Filters of the tenant's job list; every field narrows, none given lists every job. */
export const jobListQuerySchema = z
  .strictObject({
    tenantId: idSchema,
    status: jobStatusSchema.optional(),
    queue: queueNameSchema.optional(),
    sessionId: idSchema.optional(),
    documentId: idSchema.optional(),
    errorCode: errorCodeFilterSchema.optional(),
    /** Inclusive. */
    createdAfter: instant.optional(),
    /** Exclusive. */
    createdBefore: instant.optional(),
    ...page,
  })
  .refine(
    (q) => !q.createdAfter || !q.createdBefore || q.createdAfter < q.createdBefore,
    'createdAfter must be before createdBefore',
  );
export type JobListQuery = z.input<typeof jobListQuerySchema>;

/** Filters of the tenant's document list. */
export const documentListQuerySchema = z
  .strictObject({
    tenantId: idSchema,
    status: z.enum(DOCUMENT_STATUSES).optional(),
    /** Case-insensitive substring of the extracted vendor name. */
    vendor: z.string().trim().min(1).max(300).optional(),
    /** Case-insensitive match of the extracted invoice number. */
    invoiceNumber: z.string().trim().min(1).max(128).optional(),
    /** Upload time, inclusive (a bare date means its first instant, UTC). */
    dateFrom: instant.optional(),
    /** Upload time, inclusive (a bare date means the whole day, UTC). */
    dateTo: z.union([z.iso.datetime({ offset: true }), z.iso.date()]).optional(),
    ...page,
  })
  .transform(({ dateTo, ...rest }) => ({ ...rest, dateToExclusive: dateTo ? endOf(dateTo) : undefined }))
  .refine(
    (q) => !q.dateFrom || !q.dateToExclusive || q.dateFrom < q.dateToExclusive,
    'dateFrom must not be after dateTo',
  );
export type DocumentListQuery = z.input<typeof documentListQuerySchema>;

/** The tenant's upload sessions, newest first. */
export const sessionListQuerySchema = z.strictObject({ tenantId: idSchema, ...page });
export type SessionListQuery = z.input<typeof sessionListQuerySchema>;

/** The first instant after an inclusive upper bound: the next day for a date, +1 ms for an instant. */
function endOf(value: string): Date {
  const date = new Date(value);
  return /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? new Date(date.getTime() + 86_400_000)
    : new Date(date.getTime() + 1);
}
