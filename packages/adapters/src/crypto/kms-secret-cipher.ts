import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { PermanentError, RetryableError, type SecretCipher } from '@paperlane/core';

const SCHEME = 'k1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
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
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', key, iv);
        cipher.setAAD(Buffer.from(context, 'utf8'));
        const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
        return [
          SCHEME,
          Buffer.from(wrapped).toString('base64url'),
          iv.toString('base64url'),
          body.toString('base64url'),
        ].join('.');
      } finally {
        key.fill(0);
      }
    },

    async decrypt(ciphertext, context) {
      const [scheme, wrappedText, ivText, bodyText, ...rest] = ciphertext.split('.');
      if (scheme !== SCHEME || !wrappedText || !ivText || !bodyText || rest.length > 0) {
        throw new PermanentError('the stored secret is not a KMS envelope', { code: 'secret_undecryptable' });
      }
      const iv = Buffer.from(ivText, 'base64url');
      const body = Buffer.from(bodyText, 'base64url');
      if (iv.length !== IV_BYTES || body.length < TAG_BYTES) {
        throw new PermanentError('the stored secret is malformed', { code: 'secret_undecryptable' });
      }
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
      } finally {
        key.fill(0);
      }
    },
  };
}
