/**
 * The automation tick (EventBridge, every minute): enqueues one `automation` job per
 * due run. The dedupe key (automation + scheduled time) makes a repeated or
 * overlapping tick harmless.
 */
import { systemClock } from '@paperlane/core';
import { runAutomationTick } from '@paperlane/jobs/automations/tick';
import { createAwsWiring } from './aws-wiring';
import { enableCompileCache } from './compile-cache';

enableCompileCache();
const wiring = createAwsWiring();

export async function handler() {
  const result = await runAutomationTick({
    store: wiring.store,
    queue: wiring.dispatcher,
    clock: systemClock,
    logger: wiring.logger,
  });
  wiring.logger.info('automation tick', { ...result });
  return result;
}
