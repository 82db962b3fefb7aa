import { idSchema, notifyEmailSchema, sessionCountsSchema } from '@paperlane/core';
import { z } from 'zod';

export const UPLOAD_SESSION_STATUSES = ['open', 'complete'] as const;
export const uploadSessionStatusSchema = z.enum(UPLOAD_SESSION_STATUSES);
export type UploadSessionStatus = z.infer<typeof uploadSessionStatusSchema>;

/** A batch of uploads and the jobs started for them, followed as one unit by the client. */
// Pure: it documents the record (types); a bundle that never validates one leaves it out.
export const uploadSessionRecordSchema = /* @__PURE__ */ z.object({
  tenantId: idSchema,
  sessionId: idSchema,
  createdBy: idSchema.optional(),
  /** Sorted; appending an id twice keeps one. */
  documentIds: z.array(idSchema),
  jobIds: z.array(idSchema),
  status: uploadSessionStatusSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().optional(),
  /** Presigned uploads the API issued for this session: upload id → the most bytes it may hold. */
  uploadSlots: z.record(idSchema, z.number().int().min(1)).optional(),
  /** The jobs ingest starts for the session's files, known when it is created. */
  expectedJobs: z.number().int().min(0).optional(),
  /** When every job of the session had reached a final state (`status: complete`). */
  completedAt: z.iso.datetime().optional(),
  /** How the session's jobs ended, written with `completedAt`. */
  counts: sessionCountsSchema.optional(),
  /** A process took on announcing the completion at this instant (a claim that may lapse). */
  announceClaimedAt: z.iso.datetime().optional(),
  /** The completion was announced (webhook event recorded, realtime event sent). */
  announcedAt: z.iso.datetime().optional(),
  /** Who to email when the session completes (the uploader's choice, one address). */
  notifyEmail: notifyEmailSchema.optional(),
  /** A process took on sending that email at this instant (a claim that may lapse). */
  notifyClaimedAt: z.iso.datetime().optional(),
  /** Claims taken to send it, so a failing mail server is given up on. */
  notifyAttempts: z.number().int().min(0).optional(),
  /** The email was sent — or given up on, with `notifyError` saying why. */
  notifiedAt: z.iso.datetime().optional(),
  notifyError: z.string().max(500).optional(),
});
export type UploadSessionRecord = z.infer<typeof uploadSessionRecordSchema>;

export const newUploadSessionSchema = z.object({
  tenantId: idSchema,
  sessionId: idSchema,
  createdBy: idSchema.optional(),
  expiresAt: z.date().optional(),
  uploadSlots: z
    .record(idSchema, z.number().int().min(1))
    .refine((slots) => Object.keys(slots).length <= 1000, 'at most 1000 upload slots')
    .optional(),
  expectedJobs: z.number().int().min(0).max(100_000).optional(),
  notifyEmail: notifyEmailSchema.optional(),
  now: z.date(),
});
export type NewUploadSession = z.input<typeof newUploadSessionSchema>;

export const sessionAppendSchema = z.object({
  tenantId: idSchema,
  sessionId: idSchema,
  documentIds: z.array(idSchema).max(100).default([]),
  jobIds: z.array(idSchema).max(100).default([]),
  now: z.date(),
});
export type SessionAppend = z.input<typeof sessionAppendSchema>;
