import { describe, expect, it } from 'vitest';
import { startKmsFake } from './kms-server';

async function post(endpoint: string, target: string, body: unknown, signed = true) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
      ...(signed ? { authorization: 'AWS4-HMAC-SHA256 Credential=x' } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('KMS fake', () => {
  it('speaks JSON 1.1 and enforces the encryption context', async () => {
    const kms = await startKmsFake();
    try {
      const context = { paperlane: 'a' };
      const key = await post(kms.endpoint, 'TrentService.GenerateDataKey', {
        KeyId: kms.keyId,
        KeySpec: 'AES_256',
        EncryptionContext: context,
      });
      expect(key.status).toBe(200);
      expect(Buffer.from(String(key.body.Plaintext), 'base64')).toHaveLength(32);
      const opened = await post(kms.endpoint, 'TrentService.Decrypt', {
        CiphertextBlob: key.body.CiphertextBlob,
        EncryptionContext: context,
      });
      expect(opened.body.Plaintext).toBe(key.body.Plaintext);
      const wrong = await post(kms.endpoint, 'TrentService.Decrypt', {
        CiphertextBlob: key.body.CiphertextBlob,
        EncryptionContext: { paperlane: 'b' },
      });
      expect(wrong).toMatchObject({ status: 400, body: { __type: 'InvalidCiphertextException' } });
      expect((await post(kms.endpoint, 'TrentService.Decrypt', {}, false)).body.__type).toBe(
        'MissingAuthenticationTokenException',
      );
      expect((await post(kms.endpoint, 'TrentService.Encrypt', {})).body.__type).toBe(
        'UnknownOperationException',
      );
    } finally {
      await kms.stop();
    }
  });
});
