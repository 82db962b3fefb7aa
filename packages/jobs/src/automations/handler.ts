import {
  type DomainEventSink,
  describeError,
  domainEventsUnderSpan,
  isPermanent,
  type JobHandler,
  type JobQueue,
  NotFoundError,
  PermanentError,
  queueUnderSpan,
} from '@paperlane/core';
import { createJobWindowQueries, type Store } from '@paperlane/store';
import { type AutomationActionPorts, runAutomationAction } from './actions';

export interface AutomationHandlerDeps extends AutomationActionPorts {
  store: Pick<Store, 'automations' | 'table'>;
  queue: JobQueue;
  events: DomainEventSink;
}

/**
 * The `automation` job: loads the automation (tenant- and owner-checked), runs its
 * action and records `lastRunAt`/`lastResult`. The run time is the payload's
 * `scheduledAt`, or the job's creation for a run without one, so a retry repeats the
 * same run; a run already recorded is not repeated. A disabled automation is skipped.
 *
 * @example handlers.automation = createAutomationHandler({ store, queue, events, listMailboxIds, retryJob });
 */
export function createAutomationHandler(deps: AutomationHandlerDeps): JobHandler<'automation'> {
  const jobWindow = createJobWindowQueries(deps.store.table);
  return async (ctx) => {
    const { tenantId, tenantUserId, automationId, scheduledAt } = ctx.payload;
    if (!automationId) {
      throw new PermanentError('an automation job needs an automationId', { code: 'automation_id_required' });
    }
    const automation = await deps.store.automations.get({ tenantId, automationId });
    if (!automation || automation.tenantUserId !== tenantUserId) {
      throw new NotFoundError(`automation ${automationId} not found`, { code: 'automation_not_found' });
    }
    if (!automation.enabled) return { automation_id: automationId, skipped: 'disabled' };
    const runAt = new Date(scheduledAt ?? ctx.job.createdAt);
    if (automation.lastRunAt && automation.lastRunAt >= runAt.toISOString()) {
      return { automation_id: automationId, skipped: 'already_ran' };
    }
    let summary: Record<string, unknown>;
    try {
      // What the action enqueues or announces continues this attempt's trace.
      const traced = {
        ...deps,
        jobWindow,
        queue: queueUnderSpan(deps.queue, ctx.span),
        events: domainEventsUnderSpan(deps.events, ctx.span),
      };
      summary = await runAutomationAction(traced, { automation, runAt });
    } catch (error) {
      // A retryable failure is recorded only on the last attempt: recording it earlier
      // would make the retry see the run as done.
      if (isPermanent(error) || ctx.attempt >= ctx.job.maxAttempts) {
        await deps.store.automations.recordRun({
          tenantId,
          automationId,
          runAt,
          result: { status: 'error', error: describeError(error).slice(0, 1000), jobId: ctx.job.jobId },
        });
      }
      throw error;
    }
    await deps.store.automations.recordRun({
      tenantId,
      automationId,
      runAt,
      result: { status: 'ok', summary, jobId: ctx.job.jobId },
    });
    ctx.logger.info('automation ran', { tenantId, automationId, action: automation.action.type });
    return { automation_id: automationId, action: automation.action.type, ...summary };
  };
}
