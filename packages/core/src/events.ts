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

/** How a finished upload session's jobs ended, counted from the job records. */
export const sessionCountsSchema = z.strictObject({
  complete: z.number().int().min(0),
  failed: z.number().int().min(0),
  cancelled: z.number().int().min(0),
});
export type SessionCounts = z.infer<typeof sessionCountsSchema>;

/**
 * Every job of an upload session reached a final state. Announced once per session
 * (the session record holds the claim), after its last job settled.
 */
export const sessionEventSchema = /* @__PURE__ */ z.strictObject({
  type: z.literal('session:completed'),
  tenantId: idSchema,
  sessionId: idSchema,
  counts: sessionCountsSchema,
  at: z.iso.datetime(),
});
export type SessionEvent = z.infer<typeof sessionEventSchema>;

/** Everything the realtime bus carries: job lifecycle events and session completion. */
// Pure: only the buses that parse events from other processes keep these schemas.
export const realtimeEventSchema = /* @__PURE__ */ z.union([jobEventSchema, sessionEventSchema]);
export type RealtimeEvent = JobEvent | SessionEvent;

/** Narrows a bus event to a job event. */
export function isJobEvent(event: RealtimeEvent): event is JobEvent {
  return event.type !== 'session:completed';
}
