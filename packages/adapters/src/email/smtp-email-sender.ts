import { type EmailSender, PermanentError, RetryableError } from '@paperlane/core';
import type { Transporter } from 'nodemailer';
import { lazyLoad } from '../lazy-load';

export interface SmtpEmailSenderOptions {
  /** `smtp://user:pass@host:port` or `smtps://…`. */
  url: string;
  from: string;
  /** Per connection and per command; a stuck server must not hold a job's settled hook. */
  timeoutMs?: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/** The server's reply code (nodemailer's `responseCode`), when the failure came from one. */
function replyCode(error: unknown): number | undefined {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * An `EmailSender` over SMTP (nodemailer, loaded on the first send). Credentials never
 * cross the network in plaintext: off loopback, `smtp://` requires STARTTLS. A 5xx reply
 * (recipient or sender refused) is a `PermanentError` (`email_rejected`); anything else —
 * no connection, a timeout, a 4xx — is a `RetryableError` (`email_unavailable`). Errors
 * carry no server text, which may echo the address or credentials.
 *
 * @example
 * const sender = createSmtpEmailSender({ url: 'smtp://127.0.0.1:2525', from: 'paperlane@example.com' });
 * await sender.send({ to: 'ap@example.com', subject: 'Done', text: '3 complete', messageId: '<ses_1@paperlane>' });
 */
export function createSmtpEmailSender(options: SmtpEmailSenderOptions): EmailSender {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const transporter = lazyLoad(async (): Promise<Transporter> => {
    const { createTransport } = await import('nodemailer');
    const url = new URL(options.url);
    const secure = url.protocol === 'smtps:';
    return createTransport({
      host: url.hostname,
      port: Number(url.port) || (secure ? 465 : 587),
      secure,
      requireTLS: !secure && !LOOPBACK.has(url.hostname),
      ...(url.username
        ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
        : {}),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  });
  let used = false;
  return {
    name: 'smtp',
    async send(message) {
      const transport = await transporter();
      used = true;
      try {
        await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          messageId: message.messageId,
          // The address is checked upstream; this keeps nodemailer from reading files or URLs.
          disableFileAccess: true,
          disableUrlAccess: true,
        });
      } catch (error) {
        const code = replyCode(error);
        if (code !== undefined && code >= 500) {
          throw new PermanentError(`the mail server refused the message (${code})`, {
            code: 'email_rejected',
          });
        }
        throw new RetryableError(
          code !== undefined
            ? `the mail server deferred the message (${code})`
            : 'the mail server is unreachable',
          { code: 'email_unavailable' },
        );
      }
    },
    async close() {
      if (used) (await transporter()).close();
    },
  };
}
