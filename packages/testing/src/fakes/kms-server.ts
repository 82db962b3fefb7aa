import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local AWS KMS speaking its wire protocol (AWS JSON 1.1: `POST /`,
 * `X-Amz-Target: TrentService.<Operation>`, errors as `{"__type", "message"}`), with
 * GenerateDataKey and Decrypt, so the real `@aws-sdk/client-kms` runs end to end.
 * Ciphertext blobs are sealed under a per-key master key with the encryption context
 * as AAD: like KMS, Decrypt fails (`InvalidCiphertextException`) under another context.
 */

export interface KmsFakeRequest {
  operation: string;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

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

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Context as AAD: key-sorted, so the same map always gives the same bytes. */
function contextAad(context: unknown): Buffer {
  const entries =
    context && typeof context === 'object' ? Object.entries(context as Record<string, unknown>).sort() : [];
  return Buffer.from(JSON.stringify(entries), 'utf8');
}

class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
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
    throw new KmsError('NotFoundException', `Key '${String(id)}' does not exist`);
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
      throw new KmsError('InvalidCiphertextException', 'The ciphertext is invalid');
    }
    const iv = blob.subarray(8, 20);
    const body = blob.subarray(20);
    try {
      const decipher = createDecipheriv('aes-256-gcm', master, iv);
      decipher.setAAD(contextAad(context));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
    } catch {
      throw new KmsError('InvalidCiphertextException', 'The ciphertext or encryption context is invalid');
    }
  };

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    GenerateDataKey(body) {
      const keyId = resolveKey(body.KeyId);
      const bytes =
        body.KeySpec === 'AES_128' ? 16 : body.KeySpec === 'AES_256' ? 32 : Number(body.NumberOfBytes);
      if (!Number.isInteger(bytes) || bytes < 1 || bytes > 1024) {
        throw new KmsError('ValidationException', 'KeySpec or NumberOfBytes is required');
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

  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': 'fake-request',
      });
      res.end(JSON.stringify(body));
    };
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      const raw = await readBody(req);
      if (req.method !== 'POST' || !target.startsWith('TrentService.')) {
        return send(400, { __type: 'UnknownOperationException' });
      }
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
        return send(400, {
          __type: 'MissingAuthenticationTokenException',
          message: 'Missing Authentication Token',
        });
      }
      const operation = target.slice('TrentService.'.length);
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      requests.push({ operation, body, headers: req.headers });
      const failure = failures.shift();
      if (failure) return send(failure.status, { __type: failure.error, message: failure.error });
      const run = operations[operation];
      if (!run) return send(400, { __type: 'UnknownOperationException', message: operation });
      return send(200, run(body));
    } catch (error) {
      if (error instanceof KmsError)
        return send(error.status, { __type: error.type, message: error.message });
      return send(500, { __type: 'KMSInternalException', message: `fake failure: ${String(error)}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    keyId: keyArn,
    requests,
    failNext(error, options = {}) {
      for (let i = 0; i < (options.count ?? 1); i++) failures.push({ error, status: options.status ?? 400 });
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
