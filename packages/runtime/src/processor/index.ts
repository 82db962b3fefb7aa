export { jobEvent, publishSafely } from './job-events';
export { keepLease } from './lease-keeper';
export type { Outcome } from './outcome';
export { type Delivery, type ProcessorDeps, processDelivery } from './process-delivery';
