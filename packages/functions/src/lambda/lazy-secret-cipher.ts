import type { SecretCipher } from '@paperlane/core';
import type { Config } from '../config/config';

/**
 * The Lambda secret cipher (KMS envelope encryption under KMS_KEY_ID, else AES-GCM
 * under SECRET_KEY, else one that refuses), loaded on first use: most invocations
 * seal or open nothing, and the KMS client stays out of their cold start.
 *
 * @example const secrets = lazySecretCipher(config); await secrets.decrypt(sealed, context);
 */
export function lazySecretCipher(config: Config): SecretCipher {
  let cipher: Promise<SecretCipher> | undefined;
  const load = () =>
    (cipher ??= import('../config/secret-cipher').then(({ lambdaSecretCipher }) =>
      lambdaSecretCipher(config),
    ));
  return {
    encrypt: async (plaintext, context) => (await load()).encrypt(plaintext, context),
    decrypt: async (ciphertext, context) => (await load()).decrypt(ciphertext, context),
  };
}
