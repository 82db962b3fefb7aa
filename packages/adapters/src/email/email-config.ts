import { ConfigError, notifyEmailSchema } from '@paperlane/core';
import { z } from 'zod';

const blank = (value: unknown) => (value === '' ? undefined : value);

/** Email settings, from environment-style keys. */
export const emailEnvSchema = z.object({
  /** `smtp` (needs SMTP_URL) or `ses`; unset: `smtp` when SMTP_URL is set, else no email. */
  EMAIL_TRANSPORT: z.preprocess(blank, z.enum(['smtp', 'ses']).optional()),
  /** `smtp://user:pass@host:587` (STARTTLS) or `smtps://…:465` (TLS). */
  SMTP_URL: z.preprocess(
    blank,
    z
      .url({ protocol: /^smtps?$/ })
      .max(2000)
      .optional(),
  ),
  /** The sender address: one plain address, like a notify_email. */
  EMAIL_FROM: z.preprocess(blank, notifyEmailSchema.optional()),
  AWS_REGION: z.preprocess(blank, z.string().min(1).max(64).optional()),
  /** An SES-compatible endpoint (LocalStack); unset on AWS. */
  AWS_ENDPOINT_URL_SESV2: z.preprocess(blank, z.url({ protocol: /^https?$/ }).optional()),
});

export type EmailConfig =
  | { transport: 'smtp'; url: string; from: string }
  | { transport: 'ses'; from: string; region?: string; endpoint?: string };

/**
 * Which email transport the environment asks for, or `undefined` when email is off
 * (neither EMAIL_TRANSPORT nor SMTP_URL set). Throws `ConfigError` naming the bad
 * keys, never their values (SMTP_URL carries a password).
 *
 * @example parseEmailConfig({ SMTP_URL: 'smtp://127.0.0.1:2525', EMAIL_FROM: 'paperlane@example.com' })
 * // { transport: 'smtp', url: 'smtp://127.0.0.1:2525', from: 'paperlane@example.com' }
 */
export function parseEmailConfig(
  source: Readonly<Record<string, string | undefined>>,
): EmailConfig | undefined {
  const parsed = emailEnvSchema.safeParse(source);
  if (!parsed.success) {
    const keys = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))];
    throw new ConfigError(`invalid email configuration: ${keys.join(', ')}`, {
      code: 'invalid_email_config',
    });
  }
  const env = parsed.data;
  const transport = env.EMAIL_TRANSPORT ?? (env.SMTP_URL ? 'smtp' : undefined);
  if (!transport) return undefined;
  if (!env.EMAIL_FROM) {
    throw new ConfigError(`EMAIL_TRANSPORT=${transport} needs EMAIL_FROM`, { code: 'missing_email_from' });
  }
  if (transport === 'smtp') {
    if (!env.SMTP_URL)
      throw new ConfigError('EMAIL_TRANSPORT=smtp needs SMTP_URL', { code: 'missing_smtp_url' });
    return { transport, url: env.SMTP_URL, from: env.EMAIL_FROM };
  }
  return {
    transport,
    from: env.EMAIL_FROM,
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(env.AWS_ENDPOINT_URL_SESV2 ? { endpoint: env.AWS_ENDPOINT_URL_SESV2 } : {}),
  };
}
