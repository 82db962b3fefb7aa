import { describe, expect, it } from 'vitest';
import { imapError } from './imap-errors';
import { parseEmail } from './parse-email';
import { resolveMailHost } from './resolve-mail-host';

const resolveTo = (address: string) => async () => [{ address, family: 4 as const }];

describe('resolveMailHost', () => {
  it('returns the checked address and refuses internal ones outside development', async () => {
    expect(
      await resolveMailHost('imap.example.com', {
        allowInternal: false,
        resolve: resolveTo('93.184.216.34'),
      }),
    ).toBe('93.184.216.34');
    await expect(
      resolveMailHost('rebind.example.com', { allowInternal: false, resolve: resolveTo('169.254.169.254') }),
    ).rejects.toMatchObject({ name: 'PermanentError', code: 'mailbox_host_forbidden' });
    await expect(resolveMailHost('127.0.0.1', { allowInternal: false })).rejects.toMatchObject({
      code: 'mailbox_host_forbidden',
    });
    expect(await resolveMailHost('127.0.0.1', { allowInternal: true })).toBe('127.0.0.1');
  });

  it('tells a missing name (permanent) from resolver trouble (retryable)', async () => {
    const fail = (code: string) => async () => {
      throw Object.assign(new Error(code), { code });
    };
    await expect(
      resolveMailHost('nope.example', { allowInternal: false, resolve: fail('ENOTFOUND') }),
    ).rejects.toMatchObject({
      code: 'mailbox_host_unknown',
    });
    await expect(
      resolveMailHost('x.example', { allowInternal: false, resolve: fail('EAI_AGAIN') }),
    ).rejects.toMatchObject({
      name: 'RetryableError',
      code: 'mailbox_unreachable',
    });
  });
});

describe('imapError', () => {
  it('maps auth, TLS, missing folder and network failures', () => {
    expect(imapError(Object.assign(new Error('x'), { authenticationFailed: true }), 'h')).toMatchObject({
      name: 'PermanentError',
      code: 'mailbox_auth_failed',
    });
    expect(
      imapError(Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'h'),
    ).toMatchObject({
      code: 'mailbox_tls_failed',
    });
    expect(
      imapError(Object.assign(new Error('x'), { serverResponseCode: 'NONEXISTENT' }), 'h'),
    ).toMatchObject({
      code: 'mailbox_folder_not_found',
    });
    expect(imapError(Object.assign(new Error('x'), { code: 'ECONNRESET' }), 'h')).toMatchObject({
      name: 'RetryableError',
      code: 'mailbox_unreachable',
    });
  });
});

describe('parseEmail', () => {
  const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

  it('reads headers and attachments', async () => {
    const raw = [
      'From: "Vendor" <Billing@Vendor.Example>',
      'Subject: Invoice',
      'Message-ID: <a1@vendor.example>',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'hi',
      '--b',
      'Content-Type: application/pdf; name="i.pdf"',
      'Content-Disposition: attachment; filename="i.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.7 test').toString('base64'),
      '--b--',
      '',
    ].join('\r\n');
    const email = await parseEmail(enc(raw));
    expect(email).toMatchObject({
      from: 'billing@vendor.example',
      subject: 'Invoice',
      messageId: '<a1@vendor.example>',
    });
    expect(email.attachments).toHaveLength(1);
    expect(Buffer.from(email.attachments[0]!.bytes).toString()).toBe('%PDF-1.7 test');
    expect(email.attachments[0]).toMatchObject({ fileName: 'i.pdf', inline: false });
  });

  it('survives hostile input without attachments appearing from nowhere', async () => {
    for (const raw of [
      '',
      '\u0000\u0001\u0002',
      'Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--',
      `Subject: ${'A'.repeat(100_000)}\r\n\r\nx`,
      'Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n',
    ]) {
      const email = await parseEmail(enc(raw));
      expect(email.subject?.length ?? 0).toBeLessThanOrEqual(1000);
      expect(email.attachments.every((a) => a.bytes instanceof Uint8Array)).toBe(true);
    }
  });
});
