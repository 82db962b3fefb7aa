import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from './free-port';
import { startProcess } from './process';

export { buildMail, type TestAttachment } from './dovecot-mail';

export interface DovecotUser {
  user: string;
  password: string;
}

export interface DovecotServer {
  host: string;
  port: number;
  /** The temp folder holding the config, state and maildirs. */
  dir: string;
  stop(): Promise<void>;
}

export interface StartDovecotOptions {
  users: DovecotUser[];
  /** Defaults to `DOVECOT_BIN` or /usr/sbin/dovecot. */
  bin?: string;
}

const DEFAULT_BIN = '/usr/sbin/dovecot';
// passwd-file fields are `:`-separated lines; anything else would let a test user rewrite the file.
const SAFE_FIELD = /^[^:\s\n\r]{1,200}$/;

/**
 * Starts a throwaway Dovecot IMAP server on a free loopback port: plaintext IMAP
 * (no TLS, cleartext auth allowed), a passwd-file of the given users, maildirs in a
 * temp folder. Resolves once the port answers with an IMAP greeting. Needs Debian's
 * `dovecot-imapd` and root (mail is stored as the `mail` user).
 *
 * @example
 * const imap = await startDovecot({ users: [{ user: 'alice', password: 'secret' }] });
 * await appendMessage(imap, { user: 'alice', password: 'secret' }, rawMessage);
 * await imap.stop();
 */
export async function startDovecot(options: StartDovecotOptions): Promise<DovecotServer> {
  const bin = options.bin ?? process.env.DOVECOT_BIN ?? DEFAULT_BIN;
  if (!existsSync(bin)) {
    throw new Error(
      `dovecot not found at ${bin}: install it (apt-get install -y dovecot-imapd) or set DOVECOT_BIN`,
    );
  }
  // The config below is 2.3 syntax (Debian bookworm); 2.4 renamed most settings.
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  if (!/^2\.3\./.test(version)) {
    throw new Error(
      `dovecot ${version || '(unknown version)'} at ${bin}: the test launcher needs dovecot 2.3`,
    );
  }
  for (const { user, password } of options.users) {
    if (!SAFE_FIELD.test(user) || !SAFE_FIELD.test(password)) {
      throw new Error('dovecot test users and passwords must be 1-200 characters without ":" or whitespace');
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'paperlane-dovecot-'));
  // The imap processes run as `mail`: they must traverse the folder and own their maildirs.
  await chmod(dir, 0o755);
  for (const sub of ['mail', 'home']) {
    await mkdir(join(dir, sub));
    await chmod(join(dir, sub), 0o1777);
  }
  await writeFile(
    join(dir, 'passwd'),
    options.users.map(({ user, password }) => `${user}:{PLAIN}${password}::::::\n`).join(''),
    // Read by the auth process (user dovecot); test credentials only.
    { mode: 0o644 },
  );
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const conf = join(dir, 'dovecot.conf');
    await writeFile(conf, dovecotConfig(dir, port));
    try {
      const server = await startProcess(bin, ['-F', '-c', conf], {
        ready: /starting up/,
        timeoutMs: 15_000,
      });
      await waitForGreeting(port, 10_000);
      return {
        host: '127.0.0.1',
        port,
        dir,
        async stop() {
          await server.stop('SIGTERM');
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // Another process may have taken the port between probe and bind.
      if (tries >= 3) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

function dovecotConfig(dir: string, port: number): string {
  return `# Written by @paperlane/testing for one test run.
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = /dev/stderr
info_log_path = /dev/stderr
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Tests of wrong passwords need not wait the default 2 s.
auth_failure_delay = 0
first_valid_uid = 8
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=mail gid=mail home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
}

/** Connects until the server sends its untagged OK greeting (or the deadline passes). */
async function waitForGreeting(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const greeting = await readGreeting(port);
      if (greeting.startsWith('* OK')) return;
      lastError = new Error(`unexpected greeting: ${greeting}`);
    } catch (error) {
      lastError = error;
    }
    // The listener is not bound yet: the master logs "starting up" before it forks imap-login.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`dovecot did not greet on port ${port}: ${String(lastError)}`);
}

function readGreeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.setTimeout(2_000, () => {
      socket.destroy();
      reject(new Error('no greeting'));
    });
    socket.once('error', reject);
    socket.once('data', (data) => {
      socket.end('a LOGOUT\r\n');
      socket.destroy();
      resolve(data.toString());
    });
    socket.connect(port, '127.0.0.1');
  });
}

/**
 * Appends a raw RFC 822 message to a user's folder (INBOX by default) with IMAP
 * APPEND, and returns its UID.
 */
export async function appendMessage(
  server: Pick<DovecotServer, 'host' | 'port'>,
  account: DovecotUser,
  raw: string | Uint8Array,
  options: { folder?: string; flags?: string[] } = {},
): Promise<number | undefined> {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user: account.user, pass: account.password },
    logger: false,
  });
  await client.connect();
  try {
    const folder = options.folder ?? 'INBOX';
    if (folder !== 'INBOX') await client.mailboxCreate(folder).catch(() => undefined);
    const body = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw);
    const result = await client.append(folder, body, options.flags ?? []);
    return result ? result.uid : undefined;
  } finally {
    await client.logout();
  }
}
