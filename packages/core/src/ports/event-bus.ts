import type { RealtimeEvent } from '../events';

export type JobEventListener = (event: RealtimeEvent) => void;

/** Job lifecycle and session events. Publishing never fails a job: implementations log and drop on error. */
export interface EventBus {
  publish(event: RealtimeEvent): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(listener: JobEventListener): () => void;
  close(): Promise<void>;
}
