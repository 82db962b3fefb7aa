import type { EmailParser, MailboxReader } from '@paperlane/core';
import type { ImapReaderOptions } from './imap-mailbox-reader';

/**
 * The IMAP reader, loaded on the first sync rather than at start: imapflow, mailparser
 * and their charset tables (iconv-lite, libmime, encoding-japanese: about 1.2 MB
 * minified) were most of the email-sync function's init. A failed load is retried on
 * the next call.
 *
 * @example
 * const reader = lazyImapMailboxReader({ maxMessageBytes: 25_000_000 });
 * const session = await reader.connect(connection, signal); // imapflow loads here
 */
export function lazyImapMailboxReader(options: ImapReaderOptions): MailboxReader {
  let loading: Promise<MailboxReader> | undefined;
  return {
    async connect(connection, signal) {
      loading ??= import('./imap-mailbox-reader').then(
        (module) => module.createImapMailboxReader(options),
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      );
      return (await loading).connect(connection, signal);
    },
  };
}

let parser: Promise<EmailParser> | undefined;

/**
 * `parseEmail`, with mailparser loaded on the first message (see {@link lazyImapMailboxReader}).
 *
 * @example
 * const parsed = await lazyParseEmail(rawBytes);
 */
export const lazyParseEmail: EmailParser = async (raw) => {
  parser ??= import('./parse-email').then(
    (module) => module.parseEmail,
    (error: unknown) => {
      parser = undefined;
      throw error;
    },
  );
  return (await parser)(raw);
};
