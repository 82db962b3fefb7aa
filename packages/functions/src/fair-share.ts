import { type Clock, type Logger, systemClock } from '@paperlane/core';
import type { Dispatcher } from '@paperlane/runtime/dispatcher/dispatcher';
import { type Admission, createAdmission } from '@paperlane/runtime/fair-share/admission';
import { createFairShareGate, type FairShareGate } from '@paperlane/runtime/fair-share/gate';
import type { Store } from '@paperlane/store/store';
import type { Config } from './config/config';

/**
 * The fair-share admission for a process, or `undefined` when `FAIR_SHARE=off`. The
 * dispatcher admits new jobs with it; consumers and the sweeper use the same one.
 *
 * @example const admission = admissionFor(config, store, logger);
 */
export function admissionFor(
  config: Pick<Config, 'fairShare'>,
  store: Pick<Store, 'fairShare' | 'jobs'>,
  logger: Logger,
  clock: Clock = systemClock,
): Admission | undefined {
  const settings = config.fairShare;
  if (!settings) return undefined;
  return createAdmission({
    store: store.fairShare,
    jobs: store.jobs,
    caps: settings.caps,
    recheckMs: settings.recheckMs,
    clock,
    logger,
  });
}

/** The processor's gate over that admission (consumers only). */
export function fairShareGateFor(
  admission: Admission | undefined,
  store: Pick<Store, 'jobs'>,
  dispatcher: Pick<Dispatcher, 'admitHeld'>,
  logger: Logger,
): { fairShare?: FairShareGate } {
  return admission
    ? { fairShare: createFairShareGate({ admission, jobs: store.jobs, dispatcher, logger }) }
    : {};
}
