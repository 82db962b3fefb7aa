import { z } from 'zod';
import { sessionCountsSchema } from './events';
import type { InvoiceFields } from './invoice';
import type { JobRecord } from './job';
import { jobResultSchema, jobStatusSchema } from './job';
import { queueNameSchema } from './queues';

/**
 * The `data` of every webhook event Paperlane itself emits, in one casing (snake_case,
 * like the REST API), and the one place domain values become those payloads. Every
 * producer builds its payload here; the OpenAPI document's `webhooks` section is
 * generated from the same schemas, so documentation and deliveries cannot drift apart.
 */

// Schemas are marked pure: a bundle that only builds payloads (the API) leaves them out.
const iso = /* @__PURE__ */ z.iso.datetime();

export const jobSettledPayloadSchema = /* @__PURE__ */ z
  .object({
    job_id: z.string(),
    queue: queueNameSchema,
    status: jobStatusSchema,
    attempts: z.number().int(),
    target_type: z.string(),
    target_id: z.string(),
    document_id: z.string().optional(),
    session_id: z.string().optional(),
    error: z.string().optional(),
    error_code: z.string().optional(),
    result: jobResultSchema.optional(),
  })
  .meta({ id: 'JobSettledEvent' });
export type JobSettledPayload = z.infer<typeof jobSettledPayloadSchema>;

export const invoiceProcessedPayloadSchema = /* @__PURE__ */ z
  .object({
    invoice_id: z.string(),
    document_id: z.string(),
    vendor_name: z.string().optional(),
    invoice_number: z.string().optional(),
    invoice_date: z.string().optional(),
    due_date: z.string().optional(),
    currency: z.string().optional(),
    total: z.number().optional(),
    ocr_provider: z.string().optional(),
    extractor: z.string().optional(),
    page_count: z.number().int().optional(),
    processed_at: iso,
  })
  .meta({ id: 'InvoiceProcessedEvent' });
export type InvoiceProcessedPayload = z.infer<typeof invoiceProcessedPayloadSchema>;

export const documentProcessedPayloadSchema = /* @__PURE__ */ z
  .object({
    document_id: z.string(),
    file_name: z.string(),
    content_type: z.string(),
    page_count: z.number().int().optional(),
    invoice_ids: z.array(z.string()),
    processed_at: iso,
  })
  .meta({ id: 'DocumentProcessedEvent' });
export type DocumentProcessedPayload = z.infer<typeof documentProcessedPayloadSchema>;

export const sessionCompletedPayloadSchema = /* @__PURE__ */ z
  .object({
    session_id: z.string(),
    expected_jobs: z.number().int().optional(),
    counts: sessionCountsSchema,
    /** At most the first 100. */
    document_ids: z.array(z.string()),
    completed_at: iso,
  })
  .meta({ id: 'SessionCompletedEvent' });
export type SessionCompletedPayload = z.infer<typeof sessionCompletedPayloadSchema>;

export const webhookDisabledPayloadSchema = /* @__PURE__ */ z
  .object({ webhook_id: z.string(), url: z.string(), reason: z.string(), disabled_at: iso })
  .meta({ id: 'WebhookDisabledEvent' });
export type WebhookDisabledPayload = z.infer<typeof webhookDisabledPayloadSchema>;

export const automationDigestPayloadSchema = /* @__PURE__ */ z
  .object({
    automation_id: z.string(),
    tenant_user_id: z.string(),
    since: iso,
    until: iso,
    invoices_processed: z.number().int(),
  })
  .meta({ id: 'AutomationDigestEvent' });
export type AutomationDigestPayload = z.infer<typeof automationDigestPayloadSchema>;

/** Every event type Paperlane emits, what it means and the schema of its `data`. */
export const WEBHOOK_EVENT_CATALOG = {
  'job.completed': {
    summary: 'A job finished successfully (webhook deliveries themselves are not announced)',
    schema: jobSettledPayloadSchema,
  },
  'job.failed': {
    summary: 'A job failed for good: a permanent error, or its last attempt',
    schema: jobSettledPayloadSchema,
  },
  'invoice.processed': {
    summary: 'An invoice was read and its fields extracted; the headline fields are included',
    schema: invoiceProcessedPayloadSchema,
  },
  'document.processed': { summary: 'A document finished processing', schema: documentProcessedPayloadSchema },
  'session.completed': {
    summary: 'Every job of an upload session reached a final state; sent once per session',
    schema: sessionCompletedPayloadSchema,
  },
  'webhook.disabled': {
    summary: 'A subscription was disabled (410 Gone, or failing too long)',
    schema: webhookDisabledPayloadSchema,
  },
  'automation.digest': {
    summary: "A digest automation ran (the event name is the automation's own; this is its default shape)",
    schema: automationDigestPayloadSchema,
  },
} as const;
export type WebhookEventType = keyof typeof WEBHOOK_EVENT_CATALOG;

/**
 * `job.completed` / `job.failed` data from the job record.
 *
 * @example jobSettledPayload(job) // { job_id: 'job_1', queue: 'thumbnail', status: 'complete', ... }
 */
export function jobSettledPayload(job: JobRecord): JobSettledPayload {
  return {
    job_id: job.jobId,
    queue: job.queue,
    status: job.status,
    attempts: job.attempts,
    target_type: job.targetType,
    target_id: job.targetId,
    ...(job.documentId ? { document_id: job.documentId } : {}),
    ...(job.sessionId ? { session_id: job.sessionId } : {}),
    ...(job.lastError ? { error: job.lastError } : {}),
    ...(job.errorCode ? { error_code: job.errorCode } : {}),
    ...(job.result ? { result: job.result } : {}),
  };
}

/** Drops absent values, so optional fields are left out rather than sent as `null`. */
function present<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/**
 * `invoice.processed` data: the invoice and the headline fields a subscriber most likely routes on.
 *
 * @example invoiceProcessedPayload({ invoiceId, documentId, fields, processedAt })
 */
export function invoiceProcessedPayload(input: {
  invoiceId: string;
  documentId: string;
  fields?: InvoiceFields | undefined;
  ocrProvider?: string | null | undefined;
  extractor?: string | null | undefined;
  pageCount?: number | undefined;
  processedAt: string;
}): InvoiceProcessedPayload {
  const fields = input.fields;
  return present({
    invoice_id: input.invoiceId,
    document_id: input.documentId,
    vendor_name: fields?.vendorName,
    invoice_number: fields?.invoiceNumber,
    invoice_date: fields?.invoiceDate,
    due_date: fields?.dueDate,
    currency: fields?.currency,
    total: fields?.total,
    ocr_provider: input.ocrProvider ?? undefined,
    extractor: input.extractor ?? undefined,
    page_count: input.pageCount,
    processed_at: input.processedAt,
  });
}

/**
 * `document.processed` data.
 *
 * @example documentProcessedPayload({ documentId, fileName, contentType, invoiceIds: [id], processedAt })
 */
export function documentProcessedPayload(input: {
  documentId: string;
  fileName: string;
  contentType: string;
  pageCount?: number | undefined;
  invoiceIds: string[];
  processedAt: string;
}): DocumentProcessedPayload {
  return present({
    document_id: input.documentId,
    file_name: input.fileName,
    content_type: input.contentType,
    page_count: input.pageCount,
    invoice_ids: input.invoiceIds,
    processed_at: input.processedAt,
  });
}

/**
 * `session.completed` data.
 *
 * @example sessionCompletedPayload({ sessionId, counts, documentIds, completedAt })
 */
export function sessionCompletedPayload(input: {
  sessionId: string;
  expectedJobs?: number | undefined;
  counts: z.infer<typeof sessionCountsSchema>;
  documentIds: readonly string[];
  completedAt: string;
}): SessionCompletedPayload {
  return present({
    session_id: input.sessionId,
    expected_jobs: input.expectedJobs,
    counts: input.counts,
    document_ids: input.documentIds.slice(0, 100),
    completed_at: input.completedAt,
  });
}

/**
 * `webhook.disabled` data.
 *
 * @example webhookDisabledPayload({ webhookId, url, reason: 'gone', disabledAt: at.toISOString() })
 */
export function webhookDisabledPayload(input: {
  webhookId: string;
  url: string;
  reason: string;
  disabledAt: string;
}): WebhookDisabledPayload {
  return { webhook_id: input.webhookId, url: input.url, reason: input.reason, disabled_at: input.disabledAt };
}

/**
 * A digest automation's event data.
 *
 * @example automationDigestPayload({ automationId, tenantUserId, since, until, invoicesProcessed: 3 })
 */
export function automationDigestPayload(input: {
  automationId: string;
  tenantUserId: string;
  since: string;
  until: string;
  invoicesProcessed: number;
}): AutomationDigestPayload {
  return {
    automation_id: input.automationId,
    tenant_user_id: input.tenantUserId,
    since: input.since,
    until: input.until,
    invoices_processed: input.invoicesProcessed,
  };
}
