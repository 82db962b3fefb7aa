import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { type AwsJsonCall, AwsJsonError, awsJsonService, listenOnLoopback } from './loopback-server';

/**
 * A local AWS KMS speaking its wire protocol (AWS JSON 1.1: `POST /`,
 * `X-Amz-Target: TrentService.<Operation>`, errors as `{"__type", "message"}`), with
 * GenerateDataKey and Decrypt, so the real `@aws-sdk/client-kms` runs end to end.
 * Ciphertext blobs are sealed under a per-key master key with the encryption context
 * as AAD: like KMS, Decrypt fails (`InvalidCiphertextException`) under another context.
 */

export type KmsFakeRequest = AwsJsonCall;

export interface KmsFake {
  /** For `new KMSClient({ endpoint })`. */
  endpoint: string;
  /** A key id that exists (`alias/paperlane-test` also resolves to it). */
  keyId: string;
  /** Every request received, in order. */
  requests: KmsFakeRequest[];
  /** The next `count` requests fail with this error (e.g. `ThrottlingException`, status 400). */
  failNext(error: string, options?: { count?: number; status?: number }): void;
  stop(): Promise<void>;
}

const ACCOUNT = '000000000000';

/** Context as AAD: key-sorted, so the same map always gives the same bytes. */
function contextAad(context: unknown): Buffer {
  const entries =
    context && typeof context === 'object' ? Object.entries(context as Record<string, unknown>).sort() : [];
  return Buffer.from(JSON.stringify(entries), 'utf8');
}

/**
 * Starts the fake on a free loopback port with one symmetric key.
 *
 * @example
 * const kms = await startKmsFake();
 * const client = new KMSClient({ endpoint: kms.endpoint, region: 'us-east-1',
 *   credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
 */
export async function startKmsFake(): Promise<KmsFake> {
  const keyUuid = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyUuid}`;
  const master = randomBytes(32);
  const requests: KmsFakeRequest[] = [];
  const failures: { error: string; status: number }[] = [];

  const resolveKey = (id: unknown): string => {
    if (id === keyUuid || id === keyArn || id === 'alias/paperlane-test') return keyArn;
    throw new AwsJsonError('NotFoundException', `Key '${String(id)}' does not exist`);
  };

  const seal = (plaintext: Buffer, context: unknown): Buffer => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', master, iv);
    cipher.setAAD(contextAad(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return Buffer.concat([Buffer.from('FAKEKMS1'), iv, body]);
  };

  const open = (blob: Buffer, context: unknown): Buffer => {
    if (blob.length < 8 + 12 + 16 || blob.subarray(0, 8).toString() !== 'FAKEKMS1') {
      throw new AwsJsonError('InvalidCiphertextException', 'The ciphertext is invalid');
    }
    const iv = blob.subarray(8, 20);
    const body = blob.subarray(20);
    try {
      const decipher = createDecipheriv('aes-256-gcm', master, iv);
      decipher.setAAD(contextAad(context));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
    } catch {
      throw new AwsJsonError('InvalidCiphertextException', 'The ciphertext or encryption context is invalid');
    }
  };

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    GenerateDataKey(body) {
      const keyId = resolveKey(body.KeyId);
      const bytes =
        body.KeySpec === 'AES_128' ? 16 : body.KeySpec === 'AES_256' ? 32 : Number(body.NumberOfBytes);
      if (!Number.isInteger(bytes) || bytes < 1 || bytes > 1024) {
        throw new AwsJsonError('ValidationException', 'KeySpec or NumberOfBytes is required');
      }
      const plaintext = randomBytes(bytes);
      return {
        KeyId: keyId,
        Plaintext: plaintext.toString('base64'),
        CiphertextBlob: seal(plaintext, body.EncryptionContext).toString('base64'),
      };
    },
    Decrypt(body) {
      if (body.KeyId !== undefined) resolveKey(body.KeyId);
      const blob = Buffer.from(String(body.CiphertextBlob ?? ''), 'base64');
      return {
        KeyId: keyArn,
        Plaintext: open(blob, body.EncryptionContext).toString('base64'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    },
  };

  const server = createServer(
    awsJsonService(
      { targetPrefix: 'TrentService', unknownTargetStatus: 400, internalErrorType: 'KMSInternalException' },
      (call) => {
        requests.push(call);
        const failure = failures.shift();
        if (failure) throw new AwsJsonError(failure.error, failure.error, failure.status);
        const run = operations[call.operation];
        if (!run) throw new AwsJsonError('UnknownOperationException', call.operation);
        return run(call.body);
      },
    ),
  );
  const listener = await listenOnLoopback(server);
  return {
    endpoint: listener.url,
    keyId: keyArn,
    requests,
    failNext(error, options = {}) {
      for (let i = 0; i < (options.count ?? 1); i++) failures.push({ error, status: options.status ?? 400 });
    },
    stop: listener.close,
  };
}
