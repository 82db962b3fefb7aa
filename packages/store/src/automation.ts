import { firstUse, idSchema } from '@paperlane/core';
import { z } from 'zod';

/** A domain event name: dotted lower case, e.g. `automation.digest`. */
export const EVENT_NAME_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** What an automation does when it runs. */
export const automationActionSchema = firstUse(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('sync_mailboxes') }),
    z.strictObject({ type: z.literal('retry_failed_invoices'), days: z.number().int().min(1).max(90) }),
    z.strictObject({
      type: z.literal('digest'),
      event: z.string().max(100).regex(EVENT_NAME_PATTERN, 'must be a dotted lower-case name').optional(),
    }),
  ]),
);
export type AutomationAction = z.infer<ReturnType<typeof automationActionSchema>>;
export type AutomationActionType = AutomationAction['type'];

/** The outcome of the last run, small enough to show the user. */
export const automationResultSchema = firstUse(() =>
  z.object({
    status: z.enum(['ok', 'error']),
    summary: z.record(z.string(), z.unknown()).optional(),
    error: z.string().max(1000).optional(),
    jobId: idSchema.optional(),
  }),
);
export type AutomationResult = z.infer<ReturnType<typeof automationResultSchema>>;

/** Syntax is checked by the jobs layer's schedule parser; the store only bounds it. */
export const automationScheduleSchema = firstUse(() => z.string().min(1).max(200));
export const automationTimezoneSchema = firstUse(() => z.string().min(1).max(64));
export const automationNameSchema = firstUse(() => z.string().trim().min(1).max(100));

/** A user's scheduled automation. `nextRunAt` is absent when disabled or when the schedule has ended. */
export const automationRecordSchema = firstUse(() =>
  z.object({
    tenantId: idSchema,
    tenantUserId: idSchema,
    automationId: idSchema,
    name: automationNameSchema(),
    schedule: automationScheduleSchema(),
    timezone: automationTimezoneSchema(),
    action: automationActionSchema(),
    enabled: z.boolean(),
    nextRunAt: z.iso.datetime().optional(),
    lastRunAt: z.iso.datetime().optional(),
    lastResult: automationResultSchema().optional(),
    /** Bumped by every write: `update` expects it, so edits never silently overwrite each other. */
    revision: z.number().int().min(1),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  }),
);
export type AutomationRecord = z.infer<ReturnType<typeof automationRecordSchema>>;

/** The fields a user sets; `update` takes all of them (read, merge, write). */
export const automationSettingsSchema = firstUse(() =>
  z.object({
    name: automationNameSchema(),
    schedule: automationScheduleSchema(),
    timezone: automationTimezoneSchema(),
    action: automationActionSchema(),
    enabled: z.boolean(),
    /** Computed by the caller from the schedule; `undefined` means no run is planned. */
    nextRunAt: z.date().optional(),
  }),
);
export type AutomationSettings = z.infer<ReturnType<typeof automationSettingsSchema>>;

export const newAutomationSchema = firstUse(() =>
  automationSettingsSchema().extend({
    tenantId: idSchema,
    tenantUserId: idSchema,
    automationId: idSchema,
    now: z.date(),
  }),
);
export type NewAutomation = z.input<ReturnType<typeof newAutomationSchema>>;
