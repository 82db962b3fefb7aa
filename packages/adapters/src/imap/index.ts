export { imapError } from './imap-errors';
export { createImapMailboxReader, type ImapReaderOptions } from './imap-mailbox-reader';
export { checkMailboxEndpoint, type EndpointPolicy, type MailboxEndpoint } from './mailbox-endpoint';
export { parseEmail } from './parse-email';
export { isLoopbackAddress, resolveMailHost } from './resolve-mail-host';
