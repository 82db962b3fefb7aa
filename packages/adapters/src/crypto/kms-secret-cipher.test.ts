import { KMSClient } from '@aws-sdk/client-kms';
import { type KmsFake, startKmsFake } from '@paperlane/testing/fakes/kms-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKmsSecretCipher } from './kms-secret-cipher';

let kms: KmsFake;
let client: KMSClient;
beforeAll(async () => {
  kms = await startKmsFake();
  client = new KMSClient({
    endpoint: kms.endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  client?.destroy();
  await kms?.stop();
});

const context = 'tenant:t1/mailbox:mbx_1';

describe('KMS secret cipher (envelope encryption)', () => {
  it('round-trips through GenerateDataKey and Decrypt with the encryption context', async () => {
    const cipher = createKmsSecretCipher({ kms: client, keyId: 'alias/paperlane-test' });
    const sealed = await cipher.encrypt('hunter2-päss', context);
    expect(sealed.startsWith('k1.')).toBe(true);
    expect(sealed).not.toContain('hunter2');
    expect(await cipher.decrypt(sealed, context)).toBe('hunter2-päss');
    const [generate, decrypt] = kms.requests.slice(-2);
    expect(generate).toMatchObject({
      operation: 'GenerateDataKey',
      body: { KeyId: 'alias/paperlane-test', KeySpec: 'AES_256', EncryptionContext: { paperlane: context } },
    });
    expect(decrypt).toMatchObject({
      operation: 'Decrypt',
      body: { EncryptionContext: { paperlane: context } },
    });
    // A fresh data key per secret: the same plaintext never seals the same way.
    expect(await cipher.encrypt('x', context)).not.toBe(await cipher.encrypt('x', context));
  });

  it('refuses another context, tampering and garbage as undecryptable (permanent)', async () => {
    const cipher = createKmsSecretCipher({ kms: client, keyId: kms.keyId });
    const sealed = await cipher.encrypt('secret', context);
    await expect(cipher.decrypt(sealed, 'tenant:t2/mailbox:mbx_1')).rejects.toMatchObject({
      name: 'PermanentError',
      code: 'secret_undecryptable',
    });
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    await expect(
      cipher.decrypt([...parts.slice(0, 3), body.toString('base64url')].join('.'), context),
    ).rejects.toMatchObject({
      code: 'secret_undecryptable',
    });
    const wrapped = Buffer.from(parts[1] ?? '', 'base64url');
    wrapped[wrapped.length - 1] = (wrapped[wrapped.length - 1] ?? 0) ^ 1;
    await expect(
      cipher.decrypt([parts[0], wrapped.toString('base64url'), parts[2], parts[3]].join('.'), context),
    ).rejects.toMatchObject({ code: 'secret_undecryptable' });
    for (const junk of ['', 'k1', 'l1.a.b.c', 'k1...', 'k1.AA.AA.AA', 'k1.a.b.c.d']) {
      await expect(cipher.decrypt(junk, context)).rejects.toMatchObject({ code: 'secret_undecryptable' });
    }
  });

  it('maps an unknown key to a permanent error and throttling to a retryable one', async () => {
    const wrongKey = createKmsSecretCipher({ kms: client, keyId: 'alias/missing' });
    await expect(wrongKey.encrypt('x', context)).rejects.toMatchObject({ name: 'PermanentError' });
    const cipher = createKmsSecretCipher({ kms: client, keyId: kms.keyId });
    kms.failNext('ThrottlingException');
    await expect(cipher.encrypt('x', context)).rejects.toMatchObject({
      name: 'RetryableError',
      code: 'kms_unavailable',
    });
    const sealed = await cipher.encrypt('x', context);
    kms.failNext('KMSInternalException', { status: 500 });
    await expect(cipher.decrypt(sealed, context)).rejects.toMatchObject({ code: 'kms_unavailable' });
    expect(await cipher.decrypt(sealed, context)).toBe('x');
  });
});
