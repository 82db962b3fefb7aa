import { createServer } from 'node:http';
import { listenOnLoopback } from '@paperlane/testing/fakes/loopback-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowedHosts } from '../net/host-allowlist';
import { createRegistrationUrlCheck } from '../net/registration-check';
import type { HostResolver } from '../net/resolve-public-address';
import { createWebhookHttpSender } from './http-sender';
import { startTestReceiver, type TestReceiver } from './test-receiver';

let receiver: TestReceiver;
beforeAll(async () => {
  receiver = await startTestReceiver();
  receiver.on('/ok', (_req, res) => res.writeHead(204).end());
  receiver.on('/gone', (_req, res) => res.writeHead(410).end('gone'));
  receiver.on('/busy', (_req, res) => res.writeHead(429, { 'retry-after': '30' }).end('slow down'));
  receiver.on('/broken', (_req, res) => res.writeHead(500).end('boom'));
  receiver.on('/moved', (_req, res) => res.writeHead(302, { location: `${receiver.origin}/ok` }).end());
  // Answers nothing: the sender's own timeout must end the exchange.
  receiver.on('/hang', () => {});
  receiver.on('/huge', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('x'.repeat(1024 * 1024));
  });
});
afterAll(async () => {
  await receiver?.close();
});

const allowed = () => parseAllowedHosts('127.0.0.1');
const request = (path: string) => ({
  url: `${receiver.origin}${path}`,
  body: '{"hello":"world"}',
  headers: { 'webhook-id': 'evt_1' },
});

describe('createWebhookHttpSender against a loopback receiver', () => {
  it('POSTs the exact body with its headers and reports the status', async () => {
    const sender = createWebhookHttpSender({ allowedHosts: allowed() });
    const arrived = receiver.nextRequest();
    const result = await sender.send(request('/ok'));
    const seen = await arrived;
    expect(result).toMatchObject({ kind: 'response', statusCode: 204, bodyExcerpt: '' });
    expect(seen).toMatchObject({ method: 'POST', path: '/ok', body: '{"hello":"world"}' });
    expect(seen.headers).toMatchObject({
      'webhook-id': 'evt_1',
      'content-type': 'application/json',
      'content-length': '17',
      host: `127.0.0.1:${receiver.port}`,
    });
  });

  it('reports 410, 429 with Retry-After and 500 as responses', async () => {
    const sender = createWebhookHttpSender({ allowedHosts: allowed() });
    expect(await sender.send(request('/gone'))).toMatchObject({ statusCode: 410, bodyExcerpt: 'gone' });
    expect(await sender.send(request('/busy'))).toMatchObject({ statusCode: 429, retryAfter: '30' });
    expect(await sender.send(request('/broken'))).toMatchObject({ statusCode: 500, bodyExcerpt: 'boom' });
  });

  it('does not follow redirects', async () => {
    const sender = createWebhookHttpSender({ allowedHosts: allowed() });
    const before = receiver.received.length;
    const result = await sender.send(request('/moved'));
    expect(result).toMatchObject({ kind: 'response', statusCode: 302 });
    expect(receiver.received.slice(before).map((r) => r.path)).toEqual(['/moved']);
  });

  it('gives up on a receiver that never answers', async () => {
    const sender = createWebhookHttpSender({ allowedHosts: allowed(), timeoutMs: 200 });
    expect(await sender.send(request('/hang'))).toMatchObject({ kind: 'failure', code: 'timeout' });
  });

  it('reads at most maxResponseBytes of a huge answer', async () => {
    const sender = createWebhookHttpSender({ allowedHosts: allowed(), maxResponseBytes: 4096 });
    const result = await sender.send(request('/huge'));
    expect(result.kind === 'response' && result.bodyExcerpt.length).toBe(4096);
  });

  it('stops when the caller aborts', async () => {
    const sender = createWebhookHttpSender({ allowedHosts: allowed() });
    const controller = new AbortController();
    const arrived = receiver.nextRequest();
    const pending = sender.send({ ...request('/hang'), signal: controller.signal });
    await arrived;
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'failure', code: 'aborted' });
  });

  it('refuses loopback without the allowlist, before connecting', async () => {
    const sender = createWebhookHttpSender();
    const before = receiver.received.length;
    expect(await sender.send(request('/ok'))).toMatchObject({ kind: 'failure', code: 'unsafe_url' });
    expect(receiver.received.length).toBe(before);
  });

  it('refuses a name resolving to loopback, and connects to the one checked address', async () => {
    let lookups = 0;
    const rebinding: HostResolver = async () => {
      lookups += 1;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const before = receiver.received.length;
    const strict = createWebhookHttpSender({ resolve: rebinding });
    const refused = await strict.send({
      ...request('/ok'),
      url: `https://hooks.example.com:${receiver.port}/ok`,
    });
    expect(refused).toMatchObject({ kind: 'failure', code: 'unsafe_url' });
    expect(receiver.received.length).toBe(before);

    // Allowlisted by name: resolved once by us, never again by the socket, and the
    // Host header still names the host.
    lookups = 0;
    const dev = createWebhookHttpSender({
      allowedHosts: parseAllowedHosts(`receiver.test:${receiver.port}`),
      resolve: rebinding,
    });
    const arrived = receiver.nextRequest();
    const result = await dev.send({ ...request('/ok'), url: `http://receiver.test:${receiver.port}/ok` });
    expect(result).toMatchObject({ kind: 'response', statusCode: 204 });
    expect((await arrived).headers.host).toBe(`receiver.test:${receiver.port}`);
    expect(lookups).toBe(1);
  });

  it('refuses every non-public address form at connect time, without connecting', async () => {
    const lookups: string[] = [];
    const resolve: HostResolver = async (hostname) => {
      lookups.push(hostname);
      return [{ address: '93.184.215.14', family: 4 }];
    };
    // Even with the receiver's own loopback address allowlisted: these are other spellings or other hosts.
    const sender = createWebhookHttpSender({
      resolve,
      allowedHosts: parseAllowedHosts(`127.0.0.1:${receiver.port + 1}`),
    });
    const before = receiver.received.length;
    for (const host of [
      '127.0.0.1',
      '127.1',
      '2130706433',
      '0177.0.0.1',
      '0x7f.1',
      '0x7f000001',
      '[::1]',
      '[::ffff:127.0.0.1]',
      '[::ffff:7f00:1]',
      '10.0.0.1',
      '172.16.0.1',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.169.254',
      '169.254.1.1',
      '0xa9fea9fe',
      '[::ffff:169.254.169.254]',
      '[fe80::1]',
      '[fc00::1]',
      '0.0.0.0',
      'localhost',
      'api.localhost',
      'metadata.google.internal',
      'metadata',
    ]) {
      const result = await sender.send({ ...request('/ok'), url: `https://${host}:${receiver.port}/ok` });
      expect([host, result.kind, result.kind === 'failure' ? result.code : result.statusCode]).toEqual([
        host,
        'failure',
        'unsafe_url',
      ]);
    }
    expect(receiver.received.length).toBe(before);
    // Literals and internal names are refused before any lookup.
    expect(lookups).toEqual([]);
  });

  it('defeats DNS rebinding: a name public at registration but internal at connect time is refused', async () => {
    let answers = ['93.184.215.14'];
    const resolve: HostResolver = async () =>
      answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    const url = `https://rebind.example.com:${receiver.port}/ok`;
    await expect(createRegistrationUrlCheck({ resolve })(url)).resolves.toEqual({ ok: true });
    const sender = createWebhookHttpSender({ resolve });
    const before = receiver.received.length;
    for (const rebound of [
      ['127.0.0.1'],
      ['169.254.169.254'],
      ['::ffff:10.0.0.1'],
      ['93.184.215.14', '10.1.2.3'],
    ]) {
      answers = rebound;
      expect(await sender.send({ ...request('/ok'), url })).toMatchObject({
        kind: 'failure',
        code: 'unsafe_url',
      });
    }
    expect(receiver.received.length).toBe(before);
  });

  it('reports an unresolvable host and a refused connection as retryable failures', async () => {
    const failing: HostResolver = async () => {
      throw new Error('ENOTFOUND');
    };
    const sender = createWebhookHttpSender({ resolve: failing });
    expect(await sender.send({ ...request('/ok'), url: 'https://nowhere.example.com/' })).toMatchObject({
      code: 'dns_failed',
    });
    const closed = await startTestReceiver();
    await closed.close();
    const dev = createWebhookHttpSender({ allowedHosts: allowed() });
    expect(await dev.send({ ...request('/ok'), url: `${closed.origin}/ok` })).toMatchObject({
      code: 'connection_failed',
    });
  });

  it('keeps connections alive per checked address, and resends once on a kept-alive socket the receiver dropped', async () => {
    // Counts connections; on each connection's third request it drops the socket unanswered,
    // as a receiver does that closed an idle connection just as the request arrived.
    const bodies: string[] = [];
    let connections = 0;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        const socket = req.socket as typeof req.socket & { served?: number };
        socket.served = (socket.served ?? 0) + 1;
        if (socket.served === 3) socket.destroy();
        else res.writeHead(204).end();
      });
    });
    server.on('connection', () => {
      connections += 1;
    });
    const { port, close } = await listenOnLoopback(server);
    try {
      const url = `http://127.0.0.1:${port}/in`;
      const pooled = createWebhookHttpSender({ allowedHosts: parseAllowedHosts(`127.0.0.1:${port}`) });
      for (const n of [1, 2, 3]) {
        expect(await pooled.send({ url, body: `{"n":${n}}`, headers: {} })).toMatchObject({
          kind: 'response',
          statusCode: 204,
        });
      }
      // 1 and 2 shared a connection; 3 reached it, was dropped unanswered, and went again on a new one.
      expect(connections).toBe(2);
      expect(bodies).toEqual(['{"n":1}', '{"n":2}', '{"n":3}', '{"n":3}']);

      const fresh = createWebhookHttpSender({
        allowedHosts: parseAllowedHosts(`127.0.0.1:${port}`),
        pool: false,
      });
      await fresh.send({ url, body: '{}', headers: {} });
      await fresh.send({ url, body: '{}', headers: {} });
      expect(connections).toBe(4);
    } finally {
      await close();
    }
  });

  it('never hands a kept-alive socket to a request whose host now resolves to another address', async () => {
    let address = '127.0.0.1';
    const resolve: HostResolver = async () => [{ address, family: 4 }];
    const sender = createWebhookHttpSender({
      allowedHosts: parseAllowedHosts(`moving.test:${receiver.port}`),
      resolve,
    });
    const url = `http://moving.test:${receiver.port}/ok`;
    expect(await sender.send({ ...request('/ok'), url })).toMatchObject({ statusCode: 204 });
    // The receiver listens on 127.0.0.1 only: a reused socket would have reached it.
    address = '127.0.0.2';
    expect(await sender.send({ ...request('/ok'), url })).toMatchObject({
      kind: 'failure',
      code: 'connection_failed',
    });
    address = '127.0.0.1';
    expect(await sender.send({ ...request('/ok'), url })).toMatchObject({ statusCode: 204 });
  });
});
