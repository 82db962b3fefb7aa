import { createEmailSender } from '@paperlane/adapters/email/create-email-sender';
import { jobSettledHook } from '../domain-events';
import type { AwsWiring } from './aws-wiring';

/**
 * What follows a job finished for good, for the functions that finish jobs (consumers
 * and the sweeper). Built here rather than in the shared wiring so the API function,
 * which settles no job, does not carry it within its package budget — nor the email
 * sender (SES with EMAIL_TRANSPORT=ses, loaded on the first completion email).
 *
 * @example const onSettled = settledHookOf(wiring);
 */
export function settledHookOf(wiring: AwsWiring) {
  const email = createEmailSender(wiring.config.source);
  return jobSettledHook({
    store: wiring.store,
    domainEvents: wiring.domainEvents,
    events: wiring.events,
    ...(email ? { email } : {}),
    clock: wiring.common.clock,
  });
}
