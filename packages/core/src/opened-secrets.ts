import type { SecretCipher } from './ports/secret-cipher';

/**
 * The cipher with opened secrets remembered: a sealed value never changes (a new
 * secret is a new ciphertext), so the plaintext of one (ciphertext, context) pair can
 * be kept for the life of the process instead of paying a KMS call or an AES open per
 * use. Only successful opens are kept, at most `maxEntries` (oldest out first); the
 * plaintexts stay in this process's memory, as they would while in use.
 *
 * @example
 * const cipher = cachingSecretOpener(wiring.secrets);
 * const secret = await cipher.decrypt(webhook.secretCiphertext, context); // opened once
 */
export function cachingSecretOpener(
  cipher: SecretCipher,
  options: { maxEntries?: number } = {},
): SecretCipher {
  const maxEntries = options.maxEntries ?? 1_000;
  const opened = new Map<string, Promise<string>>();
  return {
    encrypt: (plaintext, context) => cipher.encrypt(plaintext, context),
    decrypt(ciphertext, context) {
      const key = `${context}\u0000${ciphertext}`;
      const known = opened.get(key);
      if (known) return known;
      const opening = cipher.decrypt(ciphertext, context);
      opened.set(key, opening);
      if (opened.size > maxEntries) opened.delete(opened.keys().next().value as string);
      // A failed open is not remembered: the next use tries again.
      opening.catch(() => {
        if (opened.get(key) === opening) opened.delete(key);
      });
      return opening;
    },
  };
}
