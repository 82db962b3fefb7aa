import { isPermanent, PermanentError, RetryableError } from '@paperlane/core';
import { freePort, type SmtpTestServer, startSmtpServer } from '@paperlane/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpEmailSender } from './smtp-email-sender';

let smtp: SmtpTestServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp?.stop();
});
beforeEach(() => smtp.refuseRecipients(undefined));

const message = {
  to: 'ap@example.com',
  subject: 'Paperlane: upload session ses_1 completed (2 complete, 0 failed)',
  text: 'Jobs complete: 2\n',
  messageId: '<msg_1@paperlane>',
};

describe('createSmtpEmailSender against a real SMTP server', () => {
  it('delivers one message from the configured sender with the stable Message-ID', async () => {
    const sender = createSmtpEmailSender({ url: smtp.url, from: 'paperlane@example.com' });
    const before = smtp.received.length;
    await sender.send(message);
    await sender.close();
    const [got] = (await smtp.waitFor(before + 1)).slice(before);
    expect(got?.from).toBe('paperlane@example.com');
    expect(got?.to).toEqual(['ap@example.com']);
    expect(got?.header('message-id')).toBe('<msg_1@paperlane>');
    expect(got?.header('subject')).toBe(message.subject);
    expect(got?.raw).toContain('Jobs complete: 2');
  });

  it('a refused recipient (550) is permanent, a deferral (451) retryable', async () => {
    const sender = createSmtpEmailSender({ url: smtp.url, from: 'paperlane@example.com' });
    smtp.refuseRecipients(550);
    const refused = await sender.send(message).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PermanentError);
    expect(refused).toMatchObject({ code: 'email_rejected' });
    smtp.refuseRecipients(451);
    const deferred = await sender.send(message).catch((error: unknown) => error);
    expect(deferred).toBeInstanceOf(RetryableError);
    expect(isPermanent(deferred)).toBe(false);
    await sender.close();
  });

  it('no server listening is retryable, and the error carries no credentials', async () => {
    const port = await freePort();
    const sender = createSmtpEmailSender({
      url: `smtp://mailer:s3cret-pass@127.0.0.1:${port}`,
      from: 'paperlane@example.com',
      timeoutMs: 2_000,
    });
    const error = await sender.send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'email_unavailable' });
    expect(String((error as Error).message)).not.toContain('s3cret');
  });
});
