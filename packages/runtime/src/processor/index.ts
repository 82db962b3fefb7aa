export { jobEvent, publishSafely } from './job-events';
export { createLeaseKeeper, type HeldClaim, type LeaseKeeper } from './lease-keeper';
export type { Outcome } from './outcome';
export { createProcessor, type Delivery, type Processor, type ProcessorDeps } from './process-delivery';
