import { tenantPrefix } from './keys';

/**
 * A mailbox, its sync runs and its processed-message ledger share one partition,
 * told apart by sort key, so deleting a mailbox can find everything it owns.
 */
export function mailboxPk(tenantId: string, mailboxId: string): string {
  return `${tenantPrefix(tenantId)}MBX#${mailboxId}`;
}

export function mailboxKey(tenantId: string, mailboxId: string): { pk: string; sk: string } {
  return { pk: mailboxPk(tenantId, mailboxId), sk: 'MBX' };
}

export const SYNC_RUN_PREFIX = 'RUN#';

/** Runs sort by start time; the id breaks ties. */
export function syncRunKey(
  tenantId: string,
  mailboxId: string,
  startedAt: string,
  runId: string,
): { pk: string; sk: string } {
  return { pk: mailboxPk(tenantId, mailboxId), sk: `${SYNC_RUN_PREFIX}${startedAt}#${runId}` };
}

export function processedMessageKey(
  tenantId: string,
  mailboxId: string,
  messageKey: string,
): { pk: string; sk: string } {
  return { pk: mailboxPk(tenantId, mailboxId), sk: `MSG#${messageKey}` };
}

/** gsi3 (overloaded): a tenant's mailboxes, grouped by owner. */
export function mailboxesPk(tenantId: string): string {
  return `${tenantPrefix(tenantId)}MBX`;
}

export const MAILBOX_OWNER_PREFIX = 'U#';

export function mailboxOwnerPrefix(tenantUserId: string): string {
  return `${MAILBOX_OWNER_PREFIX}${tenantUserId}#`;
}

export function mailboxOwnerSk(tenantUserId: string, mailboxId: string): string {
  return `${mailboxOwnerPrefix(tenantUserId)}${mailboxId}`;
}
