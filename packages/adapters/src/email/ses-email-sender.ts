import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { type EmailSender, PermanentError, RetryableError } from '@paperlane/core';
import { awsClientConfig } from '../aws/client-config';
import { lazyLoad } from '../lazy-load';

export interface SesEmailSenderOptions {
  from: string;
  region?: string;
  endpoint?: string;
  /** A ready client (tests); built from region and endpoint otherwise. */
  client?: SESv2Client;
}

/** SES answers that a retry cannot change: the message, the sender or the recipient is refused. */
const REFUSED = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'NotFoundException',
  'BadRequestException',
]);

/**
 * An `EmailSender` over Amazon SES (API v2, `SendEmail` with simple content). The SDK
 * loads on the first send, so a function that never sends one does not load it. SES
 * sets its own Message-ID; the stable id travels as `X-Paperlane-Notification-Id`.
 * Refusals are `PermanentError` (`email_rejected`); throttling, a paused account and
 * outages `RetryableError` (`email_unavailable`).
 *
 * @example
 * const sender = createSesEmailSender({ from: 'paperlane@example.com', region: 'eu-west-1' });
 */
export function createSesEmailSender(options: SesEmailSenderOptions): EmailSender {
  const sdk = lazyLoad(() => import('@aws-sdk/client-sesv2'));
  const client = lazyLoad(async () => {
    if (options.client) return options.client;
    const { SESv2Client } = await sdk();
    return new SESv2Client(
      awsClientConfig({
        ...(options.region ? { region: options.region } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      }),
    );
  });
  let used = false;
  return {
    name: 'ses',
    async send(message) {
      const [{ SendEmailCommand }, ses] = await Promise.all([sdk(), client()]);
      used = true;
      try {
        await ses.send(
          new SendEmailCommand({
            FromEmailAddress: options.from,
            Destination: { ToAddresses: [message.to] },
            Content: {
              Simple: {
                Subject: { Data: message.subject, Charset: 'UTF-8' },
                Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
                Headers: [{ Name: 'X-Paperlane-Notification-Id', Value: message.messageId }],
              },
            },
          }),
        );
      } catch (error) {
        const name = (error as { name?: unknown } | null)?.name;
        if (typeof name === 'string' && REFUSED.has(name)) {
          throw new PermanentError(`SES refused the message (${name})`, { code: 'email_rejected' });
        }
        throw new RetryableError('SES did not take the message', { code: 'email_unavailable' });
      }
    },
    async close() {
      if (used && !options.client) (await client()).destroy();
    },
  };
}
