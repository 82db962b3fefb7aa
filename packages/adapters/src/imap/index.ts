export { imapError } from './imap-errors';
export { createImapMailboxReader, type ImapReaderOptions } from './imap-mailbox-reader';
export { parseEmail } from './parse-email';
export { isLoopbackAddress, resolveMailHost } from './resolve-mail-host';
