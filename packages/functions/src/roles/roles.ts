import type { QueueName } from '@paperlane/core';

/** The processes `npm start` runs, in start order. */
export const ROLES = ['emulators', 'api', 'documents', 'integrations'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** What each consumer role consumes. No other process consumes anything. */
export const CONSUMER_QUEUES = {
  /** CPU- and memory-heavy (OCR, rendering): the child with a heap cap. */
  documents: ['invoice-processing', 'thumbnail', 'llm-summary'],
  /** Network-bound: mailboxes, automations, webhooks. */
  integrations: ['email-sync', 'automation', 'webhook-delivery'],
} as const satisfies Record<string, readonly QueueName[]>;
export type ConsumerRole = keyof typeof CONSUMER_QUEUES;

/**
 * The role that runs the outbox sweeper and the automation tick. Not `documents`: it is
 * the child most likely to die (an OCR blow-up), and the sweeper is what finishes the
 * jobs such a death strands. Not `api`: HTTP latency should not share a loop with sweeps.
 */
export const SCHEDULES_ROLE: ConsumerRole = 'integrations';
