import { z } from '@hono/zod-openapi';
import type { Priority } from '@paperlane/core';
import { describeIssues, HttpError } from '../errors';

/** The furthest a caller may schedule work: a week. Longer plans belong in an automation. */
export const MAX_SCHEDULE_SECONDS = 7 * 24 * 3600;

/** A `run_at` this far in the past is clock skew and runs now; further back it is refused. */
export const RUN_AT_PAST_TOLERANCE_MS = 5 * 60_000;

/**
 * `high` (user-triggered, the default), `normal` (the same lane as `high`: the
 * runtime has two lanes) and `low` (batch: its own SQS lane, BullMQ priority 100).
 */
export const PUBLIC_PRIORITIES = ['high', 'normal', 'low'] as const;

/** What a caller may send to shape when and how urgently the jobs of a request run. */
export const jobTimingFields = {
  // Descriptions live in docs/architecture.md: the API bundle has a size budget.
  priority: z.enum(PUBLIC_PRIORITIES).optional(),
  run_at: z.iso.datetime({ offset: true }).optional(),
  delay_seconds: z.number().int().min(0).max(MAX_SCHEDULE_SECONDS).optional(),
};

export const jobTimingSchema = z.object(jobTimingFields);
export type JobTimingInput = z.infer<typeof jobTimingSchema>;

/** What the dispatcher takes: the lane, and a delay or an instant. */
export interface JobTiming {
  priority: Priority;
  delayMs?: number;
  runAt?: Date;
}

/**
 * Turns the request's timing into the dispatcher's. Both `run_at` and
 * `delay_seconds` is ambiguous (400 `conflicting_schedule`); a `run_at` past the
 * window is 400 `run_at_too_far`, one more than the skew tolerance in the past 400
 * `run_at_in_past`.
 *
 * @example toJobTiming({ priority: 'low', delay_seconds: 60 }, new Date()) // { priority: 'low', delayMs: 60000 }
 */
export function toJobTiming(input: JobTimingInput, now: Date): JobTiming {
  const priority: Priority = input.priority === 'low' ? 'low' : 'high';
  if (input.run_at !== undefined && input.delay_seconds !== undefined) {
    throw new HttpError(400, 'conflicting_schedule', 'run_at or delay_seconds, not both');
  }
  if (input.delay_seconds !== undefined) return { priority, delayMs: input.delay_seconds * 1000 };
  if (input.run_at === undefined) return { priority };
  const runAt = new Date(input.run_at);
  const delayMs = runAt.getTime() - now.getTime();
  if (delayMs > MAX_SCHEDULE_SECONDS * 1000) {
    throw new HttpError(400, 'run_at_too_far', 'run_at may be at most 7 days ahead');
  }
  if (delayMs < -RUN_AT_PAST_TOLERANCE_MS) {
    throw new HttpError(400, 'run_at_in_past', 'run_at is in the past');
  }
  // The instant itself, not a delay from this clock read: the job runs at the time asked for.
  return delayMs > 0 ? { priority, runAt } : { priority };
}

/**
 * The same fields from multipart text parts (all strings): parsed as a JSON request
 * would be, so a bad value gets the same 400.
 */
export function parseFormTiming(fields: Record<string, string>): JobTimingInput {
  const raw: Record<string, unknown> = { ...fields };
  if (fields.delay_seconds !== undefined) {
    raw.delay_seconds = /^\d{1,9}$/.test(fields.delay_seconds) ? Number(fields.delay_seconds) : Number.NaN;
  }
  const parsed = jobTimingSchema.safeParse(raw);
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_schedule', 'invalid timing', describeIssues(parsed.error.issues));
  }
  return parsed.data;
}
