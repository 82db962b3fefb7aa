import type { EmailParser, ParsedEmail } from '@paperlane/core';
import { PermanentError } from '@paperlane/core';
import { simpleParser } from 'mailparser';

const MAX_HEADER_CHARS = 1000;

function clip(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed.slice(0, MAX_HEADER_CHARS) : undefined;
}

/**
 * The mailparser `EmailParser`: headers the sync uses and every attachment's bytes.
 * Bodies are not rendered (no HTML-to-text, no link detection). A message mailparser
 * cannot read at all becomes a PermanentError (`unparsable_message`); the sync skips it.
 *
 * @example const email = await parseEmail(rawBytes);
 */
export const parseEmail: EmailParser = async (raw) => {
  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      skipTextLinks: true,
      maxHtmlLengthToParse: 1024 * 1024,
    });
  } catch (cause) {
    throw new PermanentError('the message could not be parsed', { code: 'unparsable_message', cause });
  }
  const from = parsed.from?.value.find((address) => address.address)?.address;
  const email: ParsedEmail = {
    attachments: parsed.attachments.map((attachment) => ({
      ...(attachment.filename ? { fileName: attachment.filename.slice(0, MAX_HEADER_CHARS) } : {}),
      ...(attachment.contentType ? { declaredType: attachment.contentType.slice(0, 255) } : {}),
      inline: attachment.related === true,
      bytes: new Uint8Array(
        attachment.content.buffer,
        attachment.content.byteOffset,
        attachment.content.byteLength,
      ),
    })),
  };
  const messageId = clip(parsed.messageId);
  const subject = clip(parsed.subject);
  if (messageId) email.messageId = messageId;
  if (from) email.from = from.toLowerCase().slice(0, 320);
  if (subject) email.subject = subject;
  if (parsed.date && !Number.isNaN(parsed.date.getTime())) email.date = parsed.date.toISOString();
  return email;
};
