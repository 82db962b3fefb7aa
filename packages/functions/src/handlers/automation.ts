import { type JobHandler, systemClock } from '@paperlane/core';
import { createAutomationHandler, createJobRetrier } from '@paperlane/jobs/automations/index';
import type { HandlerWiring } from '../container';

/** Scheduled automations: sync the user's mailboxes, retry failed invoices, digest events. */
export function automationModule(wiring: HandlerWiring): JobHandler<'automation'> {
  return createAutomationHandler({
    store: wiring.store,
    queue: wiring.dispatcher,
    events: wiring.domainEvents,
    // Mailboxes arrive with email sync; until then a user has none to sync.
    listMailboxIds: async () => [],
    retryJob: createJobRetrier({
      jobs: wiring.store.jobs,
      resend: (jobs) => wiring.dispatcher.resend(jobs),
      clock: systemClock,
      sweepGraceMs: wiring.config.env.SWEEP_GRACE_MS,
    }),
  });
}
