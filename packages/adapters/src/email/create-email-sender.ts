import type { EmailSender } from '@paperlane/core';
import { lazyLoad } from '../lazy-load';
import { parseEmailConfig } from './email-config';

/**
 * The email sender the environment configures (see `parseEmailConfig`), or `undefined`
 * when email is off. The configuration is checked now (a bad one fails at start-up);
 * the adapter, and nodemailer or the SES SDK behind it, load on the first send, so a
 * function that never sends an email never loads either.
 *
 * @example const email = createEmailSender(config.source); // SMTP_URL + EMAIL_FROM → SMTP
 */
export function createEmailSender(
  source: Readonly<Record<string, string | undefined>>,
): EmailSender | undefined {
  const config = parseEmailConfig(source);
  if (!config) return undefined;
  const sender = lazyLoad(async (): Promise<EmailSender> => {
    if (config.transport === 'smtp') {
      const { createSmtpEmailSender } = await import('./smtp-email-sender');
      return createSmtpEmailSender(config);
    }
    const { createSesEmailSender } = await import('./ses-email-sender');
    return createSesEmailSender(config);
  });
  let loaded = false;
  return {
    name: config.transport,
    async send(message) {
      const backend = await sender();
      loaded = true;
      await backend.send(message);
    },
    async close() {
      if (loaded) await (await sender()).close();
    },
  };
}
