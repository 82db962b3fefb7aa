import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { PermanentError, RetryableError, type SecretCipher } from '@paperlane/core';
import { gcmOpen, gcmParts, gcmSeal } from './aes-gcm';

const SCHEME = 'k1';
/** KMS's answers that retrying cannot change: the blob, the context or the key is wrong. */
const PERMANENT_KMS_ERRORS = new Set([
  'InvalidCiphertextException',
  'IncorrectKeyException',
  'NotFoundException',
  'DisabledException',
  'KMSInvalidStateException',
  'AccessDeniedException',
  'InvalidKeyUsageException',
  'ValidationException',
]);

export interface KmsSecretCipherOptions {
  kms: Pick<KMSClient, 'send'>;
  /** Key id, ARN or alias of the symmetric KMS key that wraps the data keys. */
  keyId: string;
}

function kmsFailure(error: unknown, what: string): Error {
  const name = (error as { name?: unknown } | undefined)?.name;
  if (typeof name === 'string' && PERMANENT_KMS_ERRORS.has(name)) {
    return new PermanentError(`the stored secret cannot be ${what} (${name})`, {
      code: 'secret_undecryptable',
    });
  }
  return new RetryableError(`KMS is unavailable (${typeof name === 'string' ? name : 'error'})`, {
    code: 'kms_unavailable',
    cause: error,
  });
}

/**
 * Envelope encryption with AWS KMS: each secret gets a fresh data key
 * (GenerateDataKey), is sealed locally with AES-256-GCM, and the KMS-wrapped data key
 * is stored beside it. Format: `k1.<wrapped key>.<iv>.<ciphertext+tag>` (base64url).
 * `context` is bound twice: as the GCM AAD and as the KMS EncryptionContext (so it
 * also appears in CloudTrail), and opening under another context fails.
 *
 * @example
 * const cipher = createKmsSecretCipher({ kms: new KMSClient({}), keyId: 'alias/paperlane' });
 * const sealed = await cipher.encrypt('hunter2', 'tenant:t1/mailbox:m1');
 */
export function createKmsSecretCipher(options: KmsSecretCipherOptions): SecretCipher {
  const encryptionContext = (context: string) => ({ paperlane: context });
  return {
    async encrypt(plaintext, context) {
      let dataKey: Uint8Array | undefined;
      let wrapped: Uint8Array | undefined;
      try {
        const reply = await options.kms.send(
          new GenerateDataKeyCommand({
            KeyId: options.keyId,
            KeySpec: 'AES_256',
            EncryptionContext: encryptionContext(context),
          }),
        );
        dataKey = reply.Plaintext;
        wrapped = reply.CiphertextBlob;
      } catch (error) {
        throw kmsFailure(error, 'sealed');
      }
      if (dataKey?.length !== 32 || !wrapped) {
        throw new RetryableError('KMS returned no usable data key', { code: 'kms_unavailable' });
      }
      const key = Buffer.from(dataKey);
      try {
        const { iv, body } = gcmSeal(key, plaintext, context);
        return [SCHEME, Buffer.from(wrapped).toString('base64url'), iv, body].join('.');
      } finally {
        key.fill(0);
      }
    },

    async decrypt(ciphertext, context) {
      const [scheme, wrappedText, ivText, bodyText, ...rest] = ciphertext.split('.');
      if (scheme !== SCHEME || !wrappedText || !ivText || !bodyText || rest.length > 0) {
        throw new PermanentError('the stored secret is not a KMS envelope', { code: 'secret_undecryptable' });
      }
      const parts = gcmParts({ iv: ivText, body: bodyText });
      let dataKey: Uint8Array | undefined;
      try {
        const reply = await options.kms.send(
          new DecryptCommand({
            CiphertextBlob: Buffer.from(wrappedText, 'base64url'),
            KeyId: options.keyId,
            EncryptionContext: encryptionContext(context),
          }),
        );
        dataKey = reply.Plaintext;
      } catch (error) {
        throw kmsFailure(error, 'opened');
      }
      if (dataKey?.length !== 32) {
        throw new PermanentError('KMS returned no usable data key', { code: 'secret_undecryptable' });
      }
      const key = Buffer.from(dataKey);
      try {
        return gcmOpen(key, parts, context);
      } finally {
        key.fill(0);
      }
    },
  };
}
