/**
 * What a transport must do with a delivered message. Every adapter maps these
 * four answers onto its own mechanism and decides nothing else.
 */
export type Outcome =
  /** Done with this message: delete it / complete the BullMQ job (`held`: it waits in its tenant's backlog). */
  | { kind: 'ack'; reason: 'completed' | 'already-finished' | 'cancelled' | 'claim-lost' | 'held' }
  /** The attempt failed and will be retried after `delayMs` (counts as an attempt). */
  | { kind: 'retry'; delayMs: number; error: string }
  /** Not this message's turn yet (early delivery, duplicate behind a live claim); does not count. */
  | { kind: 'defer'; delayMs: number; reason: 'not-yet' | 'leased' }
  /** Never retry: send to the dead-letter queue / BullMQ failed set with this reason. */
  | { kind: 'dead'; reason: string; code: string };
