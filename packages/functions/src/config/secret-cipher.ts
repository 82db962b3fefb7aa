import { KMSClient } from '@aws-sdk/client-kms';
import { awsClientConfig } from '@paperlane/adapters/aws/client-config';
import { createKmsSecretCipher } from '@paperlane/adapters/crypto/kms-secret-cipher';
import { createLocalSecretCipher } from '@paperlane/adapters/crypto/local-secret-cipher';
import { ConfigError, type SecretCipher } from '@paperlane/core';
import type { Config } from './config';
import { devSecretKey } from './dev-secret';

/** A cipher that refuses every use: secrets are not configured, and nothing may be stored unsealed. */
const unconfigured: SecretCipher = {
  encrypt: async () => {
    throw new ConfigError('no SECRET_KEY or KMS_KEY_ID is configured; secrets cannot be stored', {
      code: 'secrets_unconfigured',
    });
  },
  decrypt: async () => {
    throw new ConfigError('no SECRET_KEY or KMS_KEY_ID is configured; secrets cannot be read', {
      code: 'secrets_unconfigured',
    });
  },
};

/**
 * The cipher the environment configures, if any: KMS envelope encryption when
 * KMS_KEY_ID is set, else AES-GCM under SECRET_KEY (older keys still open).
 */
export function configuredSecretCipher(config: Config): SecretCipher | undefined {
  const { env } = config;
  if (env.KMS_KEY_ID) {
    const endpoint = env.AWS_ENDPOINT_URL ? { endpoint: env.AWS_ENDPOINT_URL } : {};
    const kms = new KMSClient(awsClientConfig({ region: env.AWS_REGION, ...endpoint }));
    return createKmsSecretCipher({ kms, keyId: env.KMS_KEY_ID });
  }
  if (env.SECRET_KEY)
    return createLocalSecretCipher({ key: env.SECRET_KEY, previousKeys: previousKeys(config) });
  return undefined;
}

/** On Lambda: the configured cipher, or one that refuses every use with a clear error. */
export function lambdaSecretCipher(config: Config): SecretCipher {
  return configuredSecretCipher(config) ?? unconfigured;
}

/**
 * How secrets at rest are sealed: the configured cipher, else (off AWS only) AES-GCM
 * under a key generated once under DATA_DIR. On Lambda without either, storing a
 * secret fails with a clear error.
 */
export async function secretCipherFor(config: Config): Promise<SecretCipher> {
  const configured = configuredSecretCipher(config);
  if (configured) return configured;
  if (config.env.AWS_LAMBDA_FUNCTION_NAME) return unconfigured;
  const key = await devSecretKey(config.env.DATA_DIR);
  return createLocalSecretCipher({ key, previousKeys: previousKeys(config) });
}

function previousKeys(config: Config): string[] {
  return (config.env.SECRET_KEY_PREVIOUS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
}
