import { SMTPServer } from 'smtp-server';

/** One message the server accepted: its envelope and its raw RFC 5322 text. */
export interface ReceivedEmail {
  from: string | undefined;
  to: string[];
  raw: string;
  /** A header's value (first occurrence, unfolded), e.g. `header('subject')`. */
  header(name: string): string | undefined;
}

export interface SmtpTestServer {
  /** `smtp://127.0.0.1:<port>`: plaintext on loopback, no auth (the sender allows that only there). */
  url: string;
  received: ReceivedEmail[];
  /** Resolves once `count` messages have been received (by event, never a sleep). */
  waitFor(count: number): Promise<ReceivedEmail[]>;
  /** Answers every RCPT TO with this reply code from now on (`550`: refused, `451`: try later); `undefined` accepts. */
  refuseRecipients(code: number | undefined): void;
  stop(): Promise<void>;
}

function headerOf(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const wanted = `${name.toLowerCase()}:`;
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(wanted));
  return line?.slice(wanted.length).trim();
}

/**
 * A real SMTP server (the `smtp-server` package) on a free loopback port that keeps
 * every message it accepts, for tests of what Paperlane sends.
 *
 * @example
 * const smtp = await startSmtpServer();
 * // … SMTP_URL=smtp.url …
 * const [message] = await smtp.waitFor(1);
 */
export async function startSmtpServer(): Promise<SmtpTestServer> {
  const received: ReceivedEmail[] = [];
  const waiters: Array<{ count: number; resolve: (messages: ReceivedEmail[]) => void }> = [];
  let refusal: number | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (refusal === undefined) return callback();
      const error = Object.assign(new Error(`refused (${refusal})`), { responseCode: refusal });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelope = session.envelope;
        received.push({
          from: envelope.mailFrom ? envelope.mailFrom.address : undefined,
          to: envelope.rcptTo.map((r) => r.address),
          raw,
          header: (name) => headerOf(raw, name),
        });
        for (const waiter of [...waiters]) {
          if (received.length >= waiter.count) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(received.slice());
          }
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    waitFor(count) {
      if (received.length >= count) return Promise.resolve(received.slice());
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    refuseRecipients(code) {
      refusal = code;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
