import { type JobHandler, systemClock } from '@paperlane/core';
import { createAutomationHandler, createJobRetrier } from '@paperlane/jobs/automations/index';
import { mailboxIdLister } from '@paperlane/jobs/email-sync/handler';
import type { HandlerWiring } from '../container';

/** Scheduled automations: sync the user's mailboxes, retry failed invoices, digest events. */
export function automationModule(wiring: HandlerWiring): JobHandler<'automation'> {
  return createAutomationHandler({
    store: wiring.store,
    queue: wiring.dispatcher,
    events: wiring.domainEvents,
    listMailboxIds: mailboxIdLister(wiring.store),
    retryJob: createJobRetrier({
      jobs: wiring.store.jobs,
      resend: (jobs) => wiring.dispatcher.resend(jobs),
      clock: systemClock,
      sweepGraceMs: wiring.config.env.SWEEP_GRACE_MS,
    }),
  });
}
