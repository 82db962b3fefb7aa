/** How the connection to an IMAP server is secured. `none` is for loopback test servers only. */
export type MailboxTlsMode = 'tls' | 'starttls' | 'none';

export interface MailboxConnection {
  host: string;
  port: number;
  tls: MailboxTlsMode;
  user: string;
  /** Plaintext, decrypted just before connecting; never logged. */
  password: string;
}

/** What the listing knows about a message before its body is downloaded. */
export interface MailboxMessageSummary {
  uid: number;
  /** RFC822.SIZE in bytes. */
  size: number;
  messageId?: string;
  /** The sender's address, lower case. */
  from?: string;
  subject?: string;
}

export interface OpenedFolder {
  /** UIDVALIDITY as a decimal string (it is a 32-bit unsigned number). */
  uidValidity: string;
  /** Messages in the folder. */
  exists: number;
}

/** One authenticated connection with one folder selected. */
export interface MailboxSession {
  open(folder: string): Promise<OpenedFolder>;
  /** Messages with a UID above `afterUid`, oldest first, at most `limit`. */
  list(afterUid: number, limit: number): Promise<MailboxMessageSummary[]>;
  /** The raw RFC 822 source; refuses (PermanentError `message_too_large`) past `maxBytes`. */
  fetchRaw(uid: number, maxBytes: number): Promise<Uint8Array>;
  markSeen(uid: number): Promise<void>;
  /** Moves a message to another folder (created if missing). */
  move(uid: number, folder: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Reads mail from a mailbox (imapflow in production). `connect` throws a
 * `PermanentError` for refused credentials or an insecure/misconfigured server
 * (`mailbox_auth_failed`, `mailbox_tls_failed`) and a retryable error for network
 * trouble (`mailbox_unreachable`).
 */
export interface MailboxReader {
  connect(connection: MailboxConnection, signal?: AbortSignal): Promise<MailboxSession>;
}

export interface ParsedEmailAttachment {
  /** As the sender named it; not trusted (sanitised by ingest, type sniffed from bytes). */
  fileName?: string;
  /** The MIME type the sender declared; informative only. */
  declaredType?: string;
  /** Referenced from the HTML body (`cid:`), e.g. a signature logo. */
  inline: boolean;
  bytes: Uint8Array;
}

export interface ParsedEmail {
  messageId?: string;
  from?: string;
  subject?: string;
  date?: string;
  attachments: ParsedEmailAttachment[];
}

/** Turns a raw message into headers and attachments (mailparser in production). */
export type EmailParser = (raw: Uint8Array) => Promise<ParsedEmail>;
