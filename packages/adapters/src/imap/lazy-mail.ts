import type { EmailParser, MailboxReader } from '@paperlane/core';
import { lazyLoad } from '../lazy-load';
import type { ImapReaderOptions } from './imap-mailbox-reader';

/**
 * The IMAP reader, loaded on the first sync rather than at start: imapflow, mailparser
 * and their charset tables (iconv-lite, libmime, encoding-japanese: about 1.2 MB
 * minified) were most of the email-sync function's init.
 *
 * @example
 * const reader = lazyImapMailboxReader({ maxMessageBytes: 25_000_000 });
 * const session = await reader.connect(connection, signal); // imapflow loads here
 */
export function lazyImapMailboxReader(options: ImapReaderOptions): MailboxReader {
  const reader = lazyLoad(async () =>
    (await import('./imap-mailbox-reader')).createImapMailboxReader(options),
  );
  return { connect: async (connection, signal) => (await reader()).connect(connection, signal) };
}

const parser = lazyLoad(async () => (await import('./parse-email')).parseEmail);

/**
 * `parseEmail`, with mailparser loaded on the first message (see {@link lazyImapMailboxReader}).
 *
 * @example
 * const parsed = await lazyParseEmail(rawBytes);
 */
export const lazyParseEmail: EmailParser = async (raw) => (await parser())(raw);
