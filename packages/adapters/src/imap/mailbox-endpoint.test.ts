import { describe, expect, it } from 'vitest';
import { checkMailboxEndpoint } from './mailbox-endpoint';

const prod = { allowInsecureLoopback: false };
const dev = { allowInsecureLoopback: true };

describe('checkMailboxEndpoint', () => {
  it('accepts public hosts over TLS or STARTTLS', () => {
    expect(() => checkMailboxEndpoint({ host: 'imap.gmail.com', tls: 'tls' }, prod)).not.toThrow();
    expect(() => checkMailboxEndpoint({ host: 'mail.example.org', tls: 'starttls' }, prod)).not.toThrow();
    expect(() => checkMailboxEndpoint({ host: '8.8.8.8', tls: 'tls' }, prod)).not.toThrow();
  });

  it('refuses internal hosts in production', () => {
    for (const host of [
      'localhost',
      '127.0.0.1',
      '10.0.0.5',
      '172.20.1.1',
      '192.168.1.10',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '[::1]',
      '[fd00::1]',
      '[fe80::1]',
      '[::ffff:127.0.0.1]',
      'db.internal',
      'printer.local',
      'metadata.google.internal',
      'mail.corp',
      // Every spelling the URL parser (and getaddrinfo) reads as an internal address.
      '2130706433',
      '127.1',
      '0x7f.1',
      '0177.0.0.1',
      '0x7f000001',
      '0',
      '0xa9fea9fe',
      '10.1',
      '[::ffff:7f00:1]',
      '[0:0:0:0:0:ffff:127.0.0.1]',
      '[::127.0.0.1]',
      '[fec0::1]',
      'LOCALHOST.',
      'api.localhost',
      'intranet',
    ]) {
      expect(() => checkMailboxEndpoint({ host, tls: 'tls' }, prod), host).toThrow(
        expect.objectContaining({ code: 'mailbox_host_forbidden' }),
      );
    }
  });

  it('allows plaintext only to loopback in development', () => {
    expect(() => checkMailboxEndpoint({ host: 'imap.example.com', tls: 'none' }, prod)).toThrow(
      expect.objectContaining({ code: 'mailbox_tls_required' }),
    );
    expect(() => checkMailboxEndpoint({ host: 'imap.example.com', tls: 'none' }, dev)).toThrow(
      expect.objectContaining({ code: 'mailbox_tls_required' }),
    );
    expect(() => checkMailboxEndpoint({ host: '127.0.0.1', tls: 'none' }, prod)).toThrow(
      expect.objectContaining({ code: 'mailbox_tls_required' }),
    );
    expect(() => checkMailboxEndpoint({ host: '127.0.0.1', tls: 'none' }, dev)).not.toThrow();
    // Loopback in another spelling is still loopback; a private address is not.
    expect(() => checkMailboxEndpoint({ host: '127.1', tls: 'none' }, dev)).not.toThrow();
    expect(() => checkMailboxEndpoint({ host: '10.0.0.1', tls: 'none' }, dev)).toThrow(
      expect.objectContaining({ code: 'mailbox_tls_required' }),
    );
  });

  it('refuses what is not a host at all', () => {
    for (const host of ['', 'a/b', 'user@imap.example.com', 'imap.example.com:993', 'a b']) {
      expect(() => checkMailboxEndpoint({ host, tls: 'tls' }, prod), host).toThrow(
        expect.objectContaining({ code: 'mailbox_host_forbidden' }),
      );
    }
  });
});
