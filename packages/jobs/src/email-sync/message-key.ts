import { createHash } from 'node:crypto';

/**
 * The ledger key of a message: its Message-ID when it has one (stable across
 * UIDVALIDITY changes, moves and re-deliveries), else the hash of its source.
 *
 * @example messageKey('<a@b>', raw) // 'mid:3f…'
 */
export function messageKey(messageId: string | undefined, raw?: Uint8Array): string {
  const id = messageId?.trim();
  if (id) return `mid:${sha256(Buffer.from(id, 'utf8'))}`;
  if (!raw) throw new Error('a message without Message-ID needs its source for a key');
  return `raw:${sha256(raw)}`;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
