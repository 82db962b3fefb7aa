import { type LambdaOptions, lambdaArgs } from './lambda';
import { infraNames } from './names';
import { type LambdaSpec, lambdaSpecs } from './needs';

export interface ScheduleSpec {
  spec: LambdaSpec;
  schedule: `rate(${string})`;
  /** Below the interval, so one run ends before the next starts. */
  timeoutSeconds: number;
}

/**
 * EventBridge schedules and the functions they tick. Mailboxes have no schedule of
 * their own: their owners' automations (`sync_mailboxes`, any cron or rate) enqueue
 * email-sync jobs, and the automation tick runs those every minute.
 */
export const SCHEDULES = {
  /** Re-sends jobs left pending (a lost send) and fails lapsed last attempts. */
  sweeper: { spec: lambdaSpecs.sweeper, schedule: 'rate(1 minute)', timeoutSeconds: 50 },
  /** Finds due automations and enqueues them, deduplicated by automation id + scheduled time. */
  automationTick: { spec: lambdaSpecs.automationTick, schedule: 'rate(1 minute)', timeoutSeconds: 50 },
} as const satisfies Record<string, ScheduleSpec>;

/**
 * The event a schedule sends. EventBridge Scheduler (CronV2) passes its input
 * verbatim, unlike EventBridge rules; this keeps the shape of a rule's "Scheduled
 * Event" and fills `id` and `time` from the scheduler's context, so a tick knows
 * its scheduled time and two deliveries of one tick dedupe on it.
 */
export function scheduledEvent(schedule: string) {
  return {
    version: '0',
    id: '<aws.scheduler.execution-id>',
    'detail-type': 'Scheduled Event',
    source: 'paperlane.schedule',
    time: '<aws.scheduler.scheduled-time>',
    resources: ['<aws.scheduler.schedule-arn>'],
    detail: { schedule },
  };
}

export function schedules(options: Omit<LambdaOptions, 'timeoutSeconds'>) {
  const functions = new Map<keyof typeof SCHEDULES, InstanceType<typeof sst.aws.Function>>();
  for (const [key, { spec, schedule, timeoutSeconds }] of Object.entries(SCHEDULES) as [
    keyof typeof SCHEDULES,
    ScheduleSpec,
  ][]) {
    const fn = new sst.aws.Function(
      spec.name,
      lambdaArgs(spec, { ...options, timeoutSeconds, description: `Runs ${schedule}` }),
    );
    new sst.aws.CronV2(infraNames.schedule(spec.name), {
      function: fn.arn,
      schedule,
      event: scheduledEvent(key),
      // The next tick is the retry; a retried tick would only overlap it.
      retries: 0,
    });
    functions.set(key, fn);
  }
  return functions;
}
