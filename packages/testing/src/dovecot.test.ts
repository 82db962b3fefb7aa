import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessage, type DovecotServer, startDovecot } from './dovecot';

const alice = { user: 'alice', password: 'alice-pass' };
let server: DovecotServer;

beforeAll(async () => {
  server = await startDovecot({ users: [alice, { user: 'bob', password: 'bob-pass' }] });
});
afterAll(async () => {
  await server?.stop();
});

function client(user: string, pass: string) {
  return new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user, pass },
    logger: false,
  });
}

describe('startDovecot', () => {
  it('serves IMAP on loopback and stores appended messages per user', async () => {
    expect(server.host).toBe('127.0.0.1');
    const uid = await appendMessage(
      server,
      alice,
      'From: a@example.test\r\nTo: alice@example.test\r\nSubject: hello\r\nMessage-ID: <m1@example.test>\r\n\r\nbody\r\n',
    );
    expect(uid).toBe(1);
    const imap = client('alice', 'alice-pass');
    await imap.connect();
    const status = await imap.status('INBOX', { messages: true, uidValidity: true });
    if (!status) throw new Error('STATUS failed');
    expect(status.messages).toBe(1);
    expect(Number(status.uidValidity)).toBeGreaterThan(0);
    await imap.logout();
    const bob = client('bob', 'bob-pass');
    await bob.connect();
    const bobs = await bob.status('INBOX', { messages: true });
    if (!bobs) throw new Error('STATUS failed');
    expect(bobs.messages).toBe(0);
    await bob.logout();
  });

  it('refuses a wrong password', async () => {
    const imap = client('alice', 'wrong');
    await expect(imap.connect()).rejects.toMatchObject({ authenticationFailed: true });
  });

  it('refuses users that would corrupt the passwd file', async () => {
    await expect(startDovecot({ users: [{ user: 'a:b', password: 'x' }] })).rejects.toThrow(/without ":"/);
  });

  it('says how to install dovecot when the binary is missing', async () => {
    await expect(startDovecot({ users: [], bin: '/nonexistent/dovecot' })).rejects.toThrow(
      /apt-get install -y dovecot-imapd/,
    );
  });
});
