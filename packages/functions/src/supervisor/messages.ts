import { z } from 'zod';
import { ROLES } from '../roles/roles';

/** One child as the supervisor sees it. */
export const processStatusSchema = z.object({
  role: z.enum(ROLES),
  state: z.enum(['starting', 'up', 'restarting', 'stopping', 'stopped']),
  pid: z.number().int().positive().optional(),
  /** Restarts since the supervisor started. */
  restarts: z.number().int().min(0),
  lastExit: z
    .object({ code: z.number().int().nullable(), signal: z.string().nullable(), at: z.iso.datetime() })
    .optional(),
});
export type ProcessStatus = z.infer<typeof processStatusSchema>;

/** Supervisor → child. */
export const toChildSchema = z.discriminatedUnion('kind', [
  /** Stop gracefully (current jobs finish), then exit. */
  z.object({ kind: z.literal('paperlane:stop') }),
  /** The SQS emulator restarted empty: re-send every pending job (schedules role only). */
  z.object({ kind: z.literal('paperlane:recover') }),
  /** Every child's state, pushed on each change (the API serves it in /healthz). */
  z.object({ kind: z.literal('paperlane:processes'), processes: z.array(processStatusSchema) }),
]);
export type ToChild = z.infer<typeof toChildSchema>;

/** Child → supervisor (besides the event bus's messages). */
export const fromChildSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('paperlane:ready'),
    /** The API's address. */
    url: z.url().optional(),
    /** The emulators' endpoints. */
    endpoints: z.object({ dynamodb: z.url().optional(), sqs: z.url().optional() }).optional(),
  }),
  z.object({ kind: z.literal('paperlane:recovered') }),
]);
export type FromChild = z.infer<typeof fromChildSchema>;
