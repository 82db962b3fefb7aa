import { z } from 'zod';

/** The longest address SMTP can carry (RFC 5321: a 256-octet path minus its angle brackets). */
export const MAX_NOTIFY_EMAIL_LENGTH = 254;

/**
 * One email address to tell when an upload session completes. Exactly one mailbox:
 * no display name, no list, and nothing that could end a header line (CR, LF, any
 * control or space character) — the address is written into a `To:` header, so a
 * value that smuggled a line break would let the caller add headers or recipients.
 *
 * @example notifyEmailSchema.parse('ap@example.com') // 'ap@example.com'
 */
export const notifyEmailSchema = z
  .string()
  .max(MAX_NOTIFY_EMAIL_LENGTH)
  // Checked before the email format, so the refusal names the real problem.
  .refine((value) => !/[\s\p{Cc},;<>"'\\]/u.test(value), 'one plain address, without spaces or separators')
  .pipe(z.email());
