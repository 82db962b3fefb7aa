import {
  automationDigestPayload,
  type DomainEventSink,
  type JobQueue,
  type JobRef,
  PermanentError,
  parsePayload,
  stableId,
} from '@paperlane/core';
import type { AutomationAction, AutomationRecord, JobWindowQueries } from '@paperlane/store';

/** At most this many mailboxes are synced, and failed jobs retried, per run. */
export const MAX_MAILBOXES_PER_RUN = 100;
export const MAX_RETRIES_PER_RUN = 200;
export const DEFAULT_DIGEST_EVENT = 'automation.digest';
const DAY_MS = 86_400_000;

/** Ports the actions need that live elsewhere; the entry point wires them. */
export interface AutomationActionPorts {
  /** The user's mailbox ids (the mailbox store). */
  listMailboxIds(tenantId: string, tenantUserId: string): Promise<string[]>;
  /** Runs a failed or cancelled job again: the API's retry (requeue + resend). */
  retryJob(ref: JobRef): Promise<'ok' | 'not_found' | 'conflict'>;
}

export interface AutomationActionDeps extends AutomationActionPorts {
  queue: JobQueue;
  events: DomainEventSink;
  jobWindow: JobWindowQueries;
}

export interface ActionRun {
  automation: AutomationRecord;
  /** The run's scheduled (or requested) time. */
  runAt: Date;
}

/**
 * Runs one automation action and returns a small summary for the job result and the
 * automation's `lastResult`. Every side effect is keyed by (automation, run time), so
 * a retried run repeats none of them.
 */
export async function runAutomationAction(
  deps: AutomationActionDeps,
  run: ActionRun,
): Promise<Record<string, unknown>> {
  const action: AutomationAction = run.automation.action;
  switch (action.type) {
    case 'sync_mailboxes':
      return syncMailboxes(deps, run);
    case 'retry_failed_invoices':
      return retryFailedInvoices(deps, run, action.days);
    case 'digest':
      return digest(deps, run, action.event ?? DEFAULT_DIGEST_EVENT);
  }
}

async function syncMailboxes(deps: AutomationActionDeps, { automation, runAt }: ActionRun) {
  const { tenantId, tenantUserId, automationId } = automation;
  const ids = [...new Set(await deps.listMailboxIds(tenantId, tenantUserId))];
  const runIso = runAt.toISOString();
  const requests = ids.slice(0, MAX_MAILBOXES_PER_RUN).map((mailboxId) => {
    const parsed = parsePayload('email-sync', { tenantId, mailboxId });
    if (!parsed.ok)
      throw new PermanentError(`mailbox id is invalid: ${parsed.message}`, { code: 'invalid_mailbox' });
    return {
      queue: 'email-sync' as const,
      payload: { tenantId, mailboxId },
      priority: 'low' as const,
      dedupeKey: stableId('aut-sync', automationId, runIso, mailboxId),
    };
  });
  const results = requests.length > 0 ? await deps.queue.enqueueMany(requests) : [];
  return {
    mailboxes: ids.length,
    enqueued: results.filter((r) => r.created).length,
    ...(ids.length > MAX_MAILBOXES_PER_RUN ? { truncated: true } : {}),
  };
}

async function retryFailedInvoices(
  deps: AutomationActionDeps,
  { automation, runAt }: ActionRun,
  days: number,
) {
  const failed = await deps.jobWindow.list(
    {
      tenantId: automation.tenantId,
      queue: 'invoice-processing',
      status: 'failed',
      after: new Date(runAt.getTime() - days * DAY_MS),
    },
    MAX_RETRIES_PER_RUN,
  );
  const tally = { found: failed.length, retried: 0, conflicts: 0, missing: 0 };
  for (const job of failed) {
    const outcome = await deps.retryJob({ tenantId: job.tenantId, jobId: job.jobId });
    if (outcome === 'ok') tally.retried++;
    else if (outcome === 'conflict') tally.conflicts++;
    else tally.missing++;
  }
  return tally;
}

async function digest(deps: AutomationActionDeps, { automation, runAt }: ActionRun, event: string) {
  const since = new Date(automation.lastRunAt ?? automation.createdAt);
  const processed = await deps.jobWindow.count({
    tenantId: automation.tenantId,
    queue: 'invoice-processing',
    status: 'complete',
    after: since,
    until: runAt,
  });
  const runIso = runAt.toISOString();
  await deps.events.publish({
    tenantId: automation.tenantId,
    type: event,
    // The same run never fans out twice, however often it is retried.
    id: stableId('evt', automation.automationId, runIso),
    payload: automationDigestPayload({
      automationId: automation.automationId,
      tenantUserId: automation.tenantUserId,
      since: since.toISOString(),
      until: runIso,
      invoicesProcessed: processed,
    }),
  });
  return { event, invoices_processed: processed, since: since.toISOString() };
}
