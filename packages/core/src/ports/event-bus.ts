import type { JobEvent } from '../events';

export type JobEventListener = (event: JobEvent) => void;

/** Job lifecycle events. Publishing never fails a job: implementations log and drop on error. */
export interface EventBus {
  publish(event: JobEvent): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(listener: JobEventListener): () => void;
  close(): Promise<void>;
}
