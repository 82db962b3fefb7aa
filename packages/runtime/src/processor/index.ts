/** Fault injection for crash tests and chaos runs: the hook's points, its type, and the error it becomes. */
export {
  FAULT_POINTS,
  type FaultHook,
  type FaultPoint,
  InjectedFault,
  isInjectedFault,
} from '@paperlane/core';
export { jobEvent, publishSafely } from './job-events';
export { createLeaseKeeper, type HeldClaim, type LeaseKeeper } from './lease-keeper';
export type { Outcome } from './outcome';

export { createProcessor, type Delivery, type Processor, type ProcessorDeps } from './process-delivery';
export { runSettledHook, type SettleDeps, type SettledHook, type SettleOptions } from './settle';
