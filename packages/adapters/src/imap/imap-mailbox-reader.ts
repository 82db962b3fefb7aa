import {
  type MailboxConnection,
  type MailboxMessageSummary,
  type MailboxReader,
  type MailboxSession,
  PermanentError,
} from '@paperlane/core';
import { ImapFlow } from 'imapflow';
import { imapError } from './imap-errors';
import { isLoopbackAddress, resolveMailHost } from './resolve-mail-host';

export interface ImapReaderOptions {
  /**
   * Development only: accept hosts that resolve to internal addresses, and
   * plaintext (`tls: 'none'`) connections to loopback. Never set in production.
   */
  allowInsecureLoopback?: boolean;
  /** Largest message this reader will download; imapflow refuses bigger literals. */
  maxMessageBytes: number;
  /** Per-socket inactivity limit (default 60 s) and connect limit (default 15 s). */
  socketTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/**
 * The imapflow `MailboxReader`. TLS is verified (`tls`: implicit TLS; `starttls`:
 * STARTTLS is mandatory, a server without it is refused). Plaintext is allowed only to
 * a loopback address with `allowInsecureLoopback`. The host is resolved and checked
 * once, and the connection goes to that address (SNI still names the host).
 *
 * @example
 * const reader = createImapMailboxReader({ maxMessageBytes: 25 * 1024 * 1024 });
 * const session = await reader.connect({ host, port: 993, tls: 'tls', user, password });
 */
export function createImapMailboxReader(options: ImapReaderOptions): MailboxReader {
  const insecure = options.allowInsecureLoopback === true;
  return {
    async connect(connection, signal) {
      const address = await resolveMailHost(connection.host, { allowInternal: insecure });
      if (connection.tls === 'none' && !(insecure && isLoopbackAddress(address))) {
        throw new PermanentError('plaintext IMAP is only allowed to loopback servers in development', {
          code: 'mailbox_tls_required',
        });
      }
      const client = new ImapFlow({
        host: address,
        port: connection.port,
        secure: connection.tls === 'tls',
        doSTARTTLS: connection.tls === 'starttls' ? true : connection.tls === 'none' ? false : undefined,
        ...(connection.tls === 'none' ? {} : { servername: connection.host }),
        tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2' },
        auth: { user: connection.user, pass: connection.password },
        logger: false,
        disableAutoIdle: true,
        connectionTimeout: options.connectTimeoutMs ?? 15_000,
        greetingTimeout: options.connectTimeoutMs ?? 15_000,
        socketTimeout: options.socketTimeoutMs ?? 60_000,
        // A literal (message body) past the limit is refused by the parser, not buffered.
        maxLiteralSize: options.maxMessageBytes + 64 * 1024,
      });
      // imapflow emits 'error' on socket failures; unhandled, it would crash the process.
      client.on('error', () => {});
      const abort = () => client.close();
      signal?.addEventListener('abort', abort, { once: true });
      try {
        await client.connect();
      } catch (error) {
        signal?.removeEventListener('abort', abort);
        client.close();
        throw imapError(error, connection.host);
      }
      return imapSession(client, connection, options, () => signal?.removeEventListener('abort', abort));
    },
  };
}

function imapSession(
  client: ImapFlow,
  connection: MailboxConnection,
  options: ImapReaderOptions,
  detach: () => void,
): MailboxSession {
  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw imapError(error, connection.host);
    }
  };
  return {
    open: (folder) =>
      guard(async () => {
        const opened = await client.mailboxOpen(folder);
        return { uidValidity: opened.uidValidity.toString(), exists: opened.exists };
      }),

    list: (afterUid, limit) =>
      guard(async () => {
        const found = await client.search({ uid: `${afterUid + 1}:*` }, { uid: true });
        // `n:*` always matches the highest UID, even below n: keep only what is really new.
        const uids = (Array.isArray(found) ? found : [])
          .filter((uid) => uid > afterUid)
          .sort((a, b) => a - b)
          .slice(0, limit);
        if (uids.length === 0) return [];
        const summaries: MailboxMessageSummary[] = [];
        for await (const message of client.fetch(
          uids.join(','),
          { uid: true, size: true, envelope: true },
          { uid: true },
        )) {
          const envelope = message.envelope;
          const from = envelope?.from?.[0]?.address;
          summaries.push({
            uid: message.uid,
            size: message.size ?? 0,
            ...(envelope?.messageId ? { messageId: envelope.messageId } : {}),
            ...(from ? { from: from.toLowerCase() } : {}),
            ...(envelope?.subject ? { subject: envelope.subject } : {}),
          });
        }
        return summaries.sort((a, b) => a.uid - b.uid);
      }),

    fetchRaw: (uid, maxBytes) =>
      guard(async () => {
        const limit = Math.min(maxBytes, options.maxMessageBytes);
        const message = await client.fetchOne(
          String(uid),
          { uid: true, size: true, source: { maxLength: limit + 1 } },
          { uid: true },
        );
        const source = message === false ? undefined : message.source;
        if (message === false || !source) {
          throw new PermanentError(`message ${uid} is gone`, { code: 'message_gone' });
        }
        if ((message.size ?? 0) > limit || source.byteLength > limit) {
          throw new PermanentError(`message ${uid} is larger than ${limit} bytes`, {
            code: 'message_too_large',
          });
        }
        return new Uint8Array(source);
      }),

    markSeen: (uid) =>
      guard(async () => {
        await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
      }),

    move: (uid, folder) =>
      guard(async () => {
        const existing = await client.list();
        if (!existing.some((box) => box.path === folder)) await client.mailboxCreate(folder);
        await client.messageMove(String(uid), folder, { uid: true });
      }),

    async close() {
      detach();
      try {
        await client.logout();
      } catch {
        client.close();
      }
    },
  };
}
