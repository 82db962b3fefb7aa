export type { Clock } from './clock';
export { systemClock } from './clock';
export type { EventBus, JobEventListener } from './event-bus';
export type {
  ClaimResult,
  CreateJobResult,
  FencedRef,
  JobRef,
  JobStore,
  NewJob,
  Page,
  PageRequest,
} from './job-store';
export type { LogFields, Logger } from './logger';
export { silentLogger } from './logger';
