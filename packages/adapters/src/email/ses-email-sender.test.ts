import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PermanentError, RetryableError } from '@paperlane/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSesEmailSender } from './ses-email-sender';

const client = new SESv2Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});
const ses = mockClient(client);
afterEach(() => ses.reset());

const message = {
  to: 'ap@example.com',
  subject: 'Paperlane: upload session ses_1 completed (1 complete, 1 failed)',
  text: 'Jobs complete: 1\nJobs failed: 1\n',
  messageId: '<msg_1@paperlane>',
};

/** An error as the SDK throws it: a named exception. */
const named = (name: string) => Object.assign(new Error(name), { name });

describe('createSesEmailSender (SDK client mocked: SES cannot be reached from here)', () => {
  it('sends one SendEmail with the sender, the one recipient, the text and the notification id', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const sender = createSesEmailSender({ from: 'paperlane@example.com', client });
    await sender.send(message);
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      FromEmailAddress: 'paperlane@example.com',
      Destination: { ToAddresses: ['ap@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
          Headers: [{ Name: 'X-Paperlane-Notification-Id', Value: '<msg_1@paperlane>' }],
        },
      },
    });
  });

  it('a rejected message is permanent; throttling and a paused account are retryable', async () => {
    const sender = createSesEmailSender({ from: 'paperlane@example.com', client });
    ses
      .on(SendEmailCommand)
      .rejectsOnce(named('MessageRejected'))
      .rejectsOnce(named('TooManyRequestsException'))
      .rejectsOnce(named('SendingPausedException'));
    await expect(sender.send(message)).rejects.toBeInstanceOf(PermanentError);
    await expect(sender.send(message)).rejects.toBeInstanceOf(RetryableError);
    await expect(sender.send(message)).rejects.toMatchObject({ code: 'email_unavailable' });
  });
});
