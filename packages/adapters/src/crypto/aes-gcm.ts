import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PermanentError } from '@paperlane/core';

/**
 * The AES-256-GCM both secret ciphers seal with: a fresh 12-byte IV per secret, the
 * `context` as additional authenticated data, the 16-byte tag after the ciphertext. The
 * ciphers differ only in where the key comes from (a configured key, a KMS data key).
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** IV and ciphertext+tag, base64url, for the ciphers' dotted formats. */
export interface SealedParts {
  iv: string;
  body: string;
}

/**
 * @example
 * const { iv, body } = gcmSeal(key, 'hunter2', 'tenant:t1/mailbox:m1');
 */
export function gcmSeal(key: Buffer, plaintext: string, context: string): SealedParts {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { iv: iv.toString('base64url'), body: body.toString('base64url') };
}

/**
 * Decoded parts, checked for size before any key is fetched (a KMS call for a malformed
 * record would be wasted).
 *
 * @throws PermanentError `secret_undecryptable` when they cannot be GCM parts.
 */
export function gcmParts(parts: SealedParts): { iv: Buffer; body: Buffer } {
  const iv = Buffer.from(parts.iv, 'base64url');
  const body = Buffer.from(parts.body, 'base64url');
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) {
    throw new PermanentError('the stored secret is malformed', { code: 'secret_undecryptable' });
  }
  return { iv, body };
}

/**
 * @throws PermanentError `secret_undecryptable` for a wrong key, a wrong context or
 *   tampering: GCM cannot tell which, and neither should the message.
 * @example
 * const plaintext = gcmOpen(key, gcmParts({ iv, body }), 'tenant:t1/mailbox:m1');
 */
export function gcmOpen(key: Buffer, parts: { iv: Buffer; body: Buffer }, context: string): string {
  const { iv, body } = parts;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch (cause) {
    throw new PermanentError('the stored secret failed authentication', {
      code: 'secret_undecryptable',
      cause,
    });
  }
}
