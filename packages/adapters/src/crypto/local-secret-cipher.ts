import { createHash } from 'node:crypto';
import { ConfigError, PermanentError, type SecretCipher } from '@paperlane/core';
import { gcmOpen, gcmParts, gcmSeal } from './aes-gcm';

const SCHEME = 'l1';

/** A 32-byte key from its base64 or hex form; anything else is a configuration error. */
export function parseSecretKey(encoded: string): Buffer {
  const trimmed = encoded.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new ConfigError('SECRET_KEY must be 32 bytes, base64 or hex encoded', {
      code: 'invalid_secret_key',
    });
  }
  return key;
}

/** Short, non-secret fingerprint of a key, stored with each ciphertext to pick the key on decrypt. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

/**
 * AES-256-GCM under a configured key (local and self-hosted deployments). Format:
 * `l1.<keyId>.<iv>.<ciphertext+tag>` in base64url. Older keys may be passed for
 * decryption only, so a key can be rotated without rewriting every record.
 *
 * @example
 * const cipher = createLocalSecretCipher({ key: process.env.SECRET_KEY! });
 * const sealed = await cipher.encrypt('hunter2', 'tenant:t1/mailbox:m1');
 */
export function createLocalSecretCipher(options: { key: string; previousKeys?: string[] }): SecretCipher {
  const current = parseSecretKey(options.key);
  const keys = new Map<string, Buffer>([[keyId(current), current]]);
  for (const old of options.previousKeys ?? []) {
    const parsed = parseSecretKey(old);
    keys.set(keyId(parsed), parsed);
  }
  const currentId = keyId(current);

  return {
    async encrypt(plaintext, context) {
      const { iv, body } = gcmSeal(current, plaintext, context);
      return [SCHEME, currentId, iv, body].join('.');
    },
    async decrypt(ciphertext, context) {
      const [scheme, id, ivText, bodyText, ...rest] = ciphertext.split('.');
      const key = id ? keys.get(id) : undefined;
      if (scheme !== SCHEME || !key || !ivText || !bodyText || rest.length > 0) {
        throw new PermanentError('the stored secret cannot be opened with the configured keys', {
          code: 'secret_undecryptable',
        });
      }
      return gcmOpen(key, gcmParts({ iv: ivText, body: bodyText }), context);
    },
  };
}
