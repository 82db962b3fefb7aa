import { createTokenVerifier, type UploadResponse } from '@paperlane/api';
import { createRealtimeHub, storeTargetAccess } from '@paperlane/api/realtime/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { attachRealtimeWebSocket, type RealtimeWsServer } from '../src/server/realtime-ws';
import { type ApiHarness, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';

let api: ApiHarness;
let realtime: RealtimeWsServer;
beforeAll(async () => {
  api = await startApi();
  realtime = attachRealtimeWebSocket(api.server, {
    hub: createRealtimeHub({ events: api.container.events }),
    verifyToken: createTokenVerifier({ secret: api.secret }),
    canAccess: storeTargetAccess(api.container.store),
  });
});
afterAll(async () => {
  await realtime?.close();
  await api?.close();
});

type Message = Record<string, unknown> & { type: string };

async function openSocket(token: string) {
  const ws = new WebSocket(`${api.url.replace('http', 'ws')}/ws?token=${token}`);
  const inbox: Message[] = [];
  const waiting: Array<(m: Message) => void> = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as Message;
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  await new Promise((resolve) => ws.once('open', resolve));
  const next = () =>
    new Promise<Message>((resolve) => {
      const queued = inbox.shift();
      if (queued) resolve(queued);
      else waiting.push(resolve);
    });
  return { ws, next, send: (m: unknown) => ws.send(JSON.stringify(m)) };
}

describe('realtime over the embedded stack', () => {
  it('follows an upload session over /ws and /api/events until its jobs complete', async () => {
    const upload = await api.call('tenant-a', '/api/upload', {
      method: 'POST',
      body: uploadForm([{ name: 'a.pdf', blob: SAMPLE_FILES.pdf() }]),
    });
    expect(upload.status).toBe(202);
    const body = (await upload.json()) as UploadResponse;
    const jobIds = body.jobs.map((job) => job.job_id);
    expect(jobIds.length).toBeGreaterThan(0);

    const client = await openSocket(await api.token('tenant-a'));
    expect((await client.next()).type).toBe('authenticated');
    client.send({ action: 'subscribe', session_id: body.session_id });
    expect(await client.next()).toEqual({ type: 'subscribed', session_id: body.session_id });

    // Another tenant that learns the session id gets not_found and no events.
    const intruder = await openSocket(await api.token('tenant-b'));
    await intruder.next();
    intruder.send({ action: 'subscribe', session_id: body.session_id });
    expect(await intruder.next()).toMatchObject({ type: 'error', code: 'not_found' });

    const sse = await fetch(`${api.url}/api/events?session_id=${body.session_id}`, {
      headers: { authorization: `Bearer ${await api.token('tenant-a')}` },
    });
    expect(sse.status).toBe(200);
    const reader = sse.body!.getReader();
    let sseText = '';
    const sseUntil = async (needle: string) => {
      while (!sseText.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('SSE stream ended');
        sseText += new TextDecoder().decode(value);
      }
    };
    await sseUntil('event: subscribed');

    // Jobs run only now, so no event can precede the subscriptions.
    const workers = await api.container.startWorkers();
    try {
      const seen: Message[] = [];
      const finished = new Set<string>();
      while (finished.size < jobIds.length) {
        const message = await client.next();
        seen.push(message);
        if (message.type === 'job:complete' || message.type === 'job:failed') {
          finished.add(String(message.job_id));
        }
      }
      const types = seen.map((m) => m.type);
      expect(types).toContain('job:started');
      expect(types.indexOf('job:started')).toBeLessThan(types.indexOf('job:complete'));
      expect(seen.every((m) => m.session_id === body.session_id)).toBe(true);
      expect([...finished].sort()).toEqual([...jobIds].sort());
      // The intruder's next message is the answer to its ping: no event was queued before it.
      intruder.send({ action: 'ping' });
      expect(await intruder.next()).toEqual({ type: 'pong' });
      await sseUntil('event: job:complete');
      expect(sseText).toContain(`"session_id":"${body.session_id}"`);
    } finally {
      await reader.cancel();
      await workers.stop();
      client.ws.close();
      intruder.ws.close();
    }
  });
});
