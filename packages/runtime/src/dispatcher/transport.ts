import type { AnyEnvelope } from '@paperlane/core';

/** One message to send; `delayMs` is how long until it may be delivered (0 for now). */
export interface OutgoingMessage {
  envelope: AnyEnvelope;
  delayMs: number;
  /**
   * A re-send for a record that is still live (the sweeper, a retry by hand): a
   * transport that dedupes by job id must not let a finished entry of an earlier
   * delivery swallow it (BullMQ keeps completed and failed jobs under their id).
   */
  resend?: boolean;
}

export interface SendFailure {
  jobId: string;
  error: unknown;
}

/**
 * A message transport (SQS, BullMQ). `send` resolves with the messages it could
 * not take; it rejects only when the transport as a whole is unreachable, which
 * is the dispatcher's cue to fall back.
 */
export interface Transport {
  readonly name: string;
  send(messages: readonly OutgoingMessage[]): Promise<SendFailure[]>;
  /** Resolves when the transport answers (health checks). */
  ping?(): Promise<void>;
  close(): Promise<void>;
}
