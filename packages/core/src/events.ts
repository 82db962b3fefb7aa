import { z } from 'zod';
import { jobResultSchema, jobStatusSchema } from './job';
import { idSchema, queueNameSchema } from './queues';

export const JOB_EVENT_TYPES = [
  'job:started',
  'job:progress',
  'job:retrying',
  'job:complete',
  'job:failed',
  'job:cancelled',
] as const;
export const jobEventTypeSchema = z.enum(JOB_EVENT_TYPES);
export type JobEventType = z.infer<typeof jobEventTypeSchema>;

/** What clients see over WebSocket/SSE and what other processes receive over Redis pub/sub. */
export const jobEventSchema = z.strictObject({
  type: jobEventTypeSchema,
  jobId: idSchema,
  tenantId: idSchema,
  queue: queueNameSchema,
  documentId: idSchema.optional(),
  sessionId: idSchema.optional(),
  status: jobStatusSchema,
  progress: z.number().int().min(0).max(100),
  attempt: z.number().int().min(0),
  error: z.string().max(2000).optional(),
  result: jobResultSchema.optional(),
  at: z.iso.datetime(),
});
export type JobEvent = z.infer<typeof jobEventSchema>;
