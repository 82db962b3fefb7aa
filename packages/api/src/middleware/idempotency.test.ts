import { type Clock, silentLogger } from '@paperlane/core';
import type { Store } from '@paperlane/store';
import { startTestDynamo, type TestDynamo } from '@paperlane/store/test-store';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEnv } from '../env';
import { toErrorResponse } from '../errors';
import { boundedJson, DEFAULT_BODY_LIMITS, readBoundedBody } from './bounded-body';
import { idempotent } from './idempotency';
import { createBodyHasher, multipartBoundary } from './request-fingerprint';

let dynamo: TestDynamo;
let store: Store;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore('idem-mw');
});
afterAll(async () => {
  await dynamo?.stop();
});

const clock: Clock = { now: () => new Date() };

/** A deferred the handler waits on, so a test holds a request "in progress" without sleeping. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/**
 * A bare app with the middleware in front of two handlers: a JSON one counting its
 * effects and a streamed one that reads the body itself. `behaviour` picks what the
 * next JSON run answers.
 */
function testApp() {
  const effects: string[] = [];
  let behaviour: 'ok' | 'fail' | 'conflict' = 'ok';
  let hold: Promise<void> | undefined;
  let entered: (() => void) | undefined;
  const app = new Hono<ApiEnv>();
  app.use('*', async (c, next) => {
    c.set('logger', silentLogger);
    c.set('principal', { tenantId: c.req.header('x-tenant') ?? 'acme', userId: 'u', role: 'user' });
    await next();
  });
  // As in the app: JSON bodies are read (and cached) at the boundary, streamed routes read their own.
  app.use(
    '*',
    boundedJson(DEFAULT_BODY_LIMITS, (c) => ({ maxBytes: 1 << 20, raw: c.req.path === '/stream' })),
  );
  app.onError((error, c) => {
    const { status, body, headers } = toErrorResponse(error);
    for (const [name, value] of Object.entries(headers ?? {})) c.header(name, value);
    return c.json(body, status);
  });
  app.post('/json', idempotent({ store, clock }), async (c) => {
    const body = (await c.req.json()) as { n: number };
    entered?.();
    await hold;
    if (behaviour === 'fail') throw new Error('store down');
    if (behaviour === 'conflict') return c.json({ error: { code: 'busy', message: 'busy' } }, 409);
    effects.push(`json:${body.n}`);
    return c.json({ effect: effects.length, n: body.n }, 202, { location: `/things/${effects.length}` });
  });
  app.post('/stream', idempotent({ store, clock }, { body: 'stream' }), async (c) => {
    const bytes = await readBoundedBody(c.req.raw, 1 << 20, () => new Error('too large'));
    effects.push(`stream:${bytes.byteLength}`);
    return c.json({ effect: effects.length, bytes: bytes.byteLength }, 202);
  });
  return {
    app,
    effects,
    set: (next: typeof behaviour) => {
      behaviour = next;
    },
    holdNext() {
      const release = gate();
      const arrived = gate();
      hold = release.opened;
      entered = arrived.open;
      return { arrived: arrived.opened, release: release.open };
    },
  };
}

const post = (path: string, key: string | undefined, body: string, extra: Record<string, string> = {}) => ({
  path,
  init: {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
      ...extra,
    },
    body,
  },
});

describe('idempotent middleware (real dynalite)', () => {
  it('runs the first request once and replays its response, status and location', async () => {
    const t = testApp();
    const r = post('/json', 'key-1', '{"n":1}');
    const first = await t.app.request(r.path, r.init);
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await t.app.request(r.path, r.init);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe('/things/1');
    expect(await again.json()).toEqual(await first.json());
    expect(t.effects).toEqual(['json:1']);
  });

  it('refuses the key with another body or another path (422), and ignores requests without a key', async () => {
    const t = testApp();
    await t.app.request(post('/json', 'key-2', '{"n":1}').path, post('/json', 'key-2', '{"n":1}').init);
    const other = post('/json', 'key-2', '{"n":2}');
    const reused = await t.app.request(other.path, other.init);
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    const otherPath = post('/json?x=1', 'key-2', '{"n":1}');
    expect((await t.app.request(otherPath.path, otherPath.init)).status).toBe(422);
    const keyless = post('/json', undefined, '{"n":1}');
    await t.app.request(keyless.path, keyless.init);
    await t.app.request(keyless.path, keyless.init);
    expect(t.effects).toEqual(['json:1', 'json:1', 'json:1']);
  });

  it('answers a duplicate that arrives while the first runs with 409 and Retry-After: one effect', async () => {
    const t = testApp();
    const { arrived, release } = t.holdNext();
    const r = post('/json', 'key-3', '{"n":3}');
    const first = t.app.request(r.path, r.init);
    await arrived;
    const duplicate = await t.app.request(r.path, r.init);
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get('retry-after')).toBe('2');
    expect(await duplicate.json()).toMatchObject({ error: { code: 'idempotency_request_in_progress' } });
    release();
    expect((await first).status).toBe(202);
    expect((await t.app.request(r.path, r.init)).headers.get('idempotent-replayed')).toBe('true');
    expect(t.effects).toEqual(['json:3']);
  });

  it('releases the key after a 5xx or a 409 so a retry runs for real', async () => {
    const t = testApp();
    const r = post('/json', 'key-4', '{"n":4}');
    t.set('fail');
    expect((await t.app.request(r.path, r.init)).status).toBe(500);
    t.set('conflict');
    expect((await t.app.request(r.path, r.init)).status).toBe(409);
    t.set('ok');
    const retried = await t.app.request(r.path, r.init);
    expect(retried.status).toBe(202);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(t.effects).toEqual(['json:4']);
  });

  it('scopes keys per tenant: the same key in two tenants is two requests', async () => {
    const t = testApp();
    const a = post('/json', 'shared', '{"n":5}', { 'x-tenant': 'acme' });
    const b = post('/json', 'shared', '{"n":6}', { 'x-tenant': 'globex' });
    expect((await t.app.request(a.path, a.init)).status).toBe(202);
    const other = await t.app.request(b.path, b.init);
    expect(other.status).toBe(202);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(t.effects).toEqual(['json:5', 'json:6']);
  });

  it('refuses hostile keys with 400 invalid_idempotency_key before anything runs', async () => {
    const t = testApp();
    for (const key of ['', 'k'.repeat(256), 'tab\tinside', 'caf\u00e9']) {
      const r = post('/json', key, '{"n":7}');
      const response = await t.app.request(r.path, r.init);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_idempotency_key' } });
    }
    const longest = post('/json', 'k'.repeat(255), '{"n":7}');
    expect((await t.app.request(longest.path, longest.init)).status).toBe(202);
    expect(t.effects).toEqual(['json:7']);
  });

  it('fingerprints a streamed body as the route reads it: replay, reuse and a fresh multipart boundary', async () => {
    const t = testApp();
    const form = (text: string) => {
      const data = new FormData();
      data.append('files', new Blob([text]), 'a.txt');
      return data;
    };
    // Each Request serialises the form with its own random boundary.
    const send = (text: string, key = 'stream-1') =>
      t.app.request(
        new Request('http://x/stream', {
          method: 'POST',
          headers: { 'idempotency-key': key },
          body: form(text),
        }),
      );
    const first = await send('hello');
    expect(first.status).toBe(202);
    const again = await send('hello');
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    const reused = await send('other bytes');
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    expect(t.effects).toHaveLength(1);
  });
});

describe('body fingerprint', () => {
  const digest = (contentType: string | undefined, chunks: string[]) => {
    const hasher = createBodyHasher(contentType);
    for (const chunk of chunks) hasher.update(Buffer.from(chunk));
    return hasher.digest();
  };

  it('ignores the multipart boundary, wherever the chunks split it', () => {
    const body = (b: string) => `--${b}\r\ncontent\r\n--${b}--\r\n`;
    const a = digest('multipart/form-data; boundary=AAAA', [body('AAAA')]);
    const whole = digest('multipart/form-data; boundary="BBBBBB"', [body('BBBBBB')]);
    const text = body('BBBBBB');
    for (let cut = 1; cut < text.length; cut++) {
      expect(digest('multipart/form-data; boundary=BBBBBB', [text.slice(0, cut), text.slice(cut)])).toBe(
        whole,
      );
    }
    expect(whole).toBe(a);
    expect(
      digest('multipart/form-data; boundary=AAAA', [body('AAAA').replace('content', 'altered')]),
    ).not.toBe(a);
  });

  it('hashes other bodies byte for byte', () => {
    expect(digest('application/json', ['{"a":1}'])).not.toBe(digest('application/json', ['{"a": 1}']));
    expect(multipartBoundary('application/json; boundary=x')).toBeUndefined();
    expect(multipartBoundary('multipart/form-data; charset=utf-8; boundary=abc')).toBe('abc');
  });
});
