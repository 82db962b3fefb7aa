import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLocalSecretCipher, parseSecretKey } from './local-secret-cipher';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('hex');

describe('local secret cipher', () => {
  it('round-trips and never returns the plaintext inside the ciphertext', async () => {
    const cipher = createLocalSecretCipher({ key: keyA });
    const sealed = await cipher.encrypt('hunter2-päss', 'tenant:t1/mailbox:m1');
    expect(sealed).not.toContain('hunter2');
    expect(await cipher.decrypt(sealed, 'tenant:t1/mailbox:m1')).toBe('hunter2-päss');
    expect(await cipher.encrypt('x', 'c')).not.toBe(await cipher.encrypt('x', 'c'));
  });

  it('refuses another context, tampering, unknown keys and garbage', async () => {
    const cipher = createLocalSecretCipher({ key: keyA });
    const sealed = await cipher.encrypt('secret', 'tenant:t1/mailbox:m1');
    await expect(cipher.decrypt(sealed, 'tenant:t2/mailbox:m1')).rejects.toMatchObject({
      code: 'secret_undecryptable',
    });
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    const tampered = [...parts.slice(0, 3), body.toString('base64url')].join('.');
    await expect(cipher.decrypt(tampered, 'tenant:t1/mailbox:m1')).rejects.toMatchObject({
      code: 'secret_undecryptable',
    });
    const other = createLocalSecretCipher({ key: keyB });
    await expect(other.decrypt(sealed, 'tenant:t1/mailbox:m1')).rejects.toMatchObject({
      code: 'secret_undecryptable',
    });
    for (const junk of ['', 'l1', 'l1...', 'x.y.z.w', 'l1.a.b.c.d', `l1.${parts[1]}.AA.AA`]) {
      await expect(cipher.decrypt(junk, 'c')).rejects.toMatchObject({ code: 'secret_undecryptable' });
    }
  });

  it('opens secrets sealed under a previous key after rotation', async () => {
    const sealed = await createLocalSecretCipher({ key: keyA }).encrypt('old', 'c');
    const rotated = createLocalSecretCipher({ key: keyB, previousKeys: [keyA] });
    expect(await rotated.decrypt(sealed, 'c')).toBe('old');
  });

  it('rejects keys that are not 32 bytes', () => {
    expect(() => parseSecretKey('short')).toThrow(/32 bytes/);
    expect(() => parseSecretKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
