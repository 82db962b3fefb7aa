import { createJsonLogger } from '@paperlane/adapters';
import {
  createApp,
  createRateLimiter,
  createSharedRateLimiter,
  errorBodySchema,
  listRoutes,
} from '@paperlane/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, awaitJobsSettled, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';

let api: ApiHarness;
/** Every line the container and the app logged (JSON). */
const logLines: string[] = [];
beforeAll(async () => {
  api = await startApi({
    workers: true,
    env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' },
    logger: createJsonLogger({ level: 'info', write: (line) => logLines.push(line) }),
  });
});
afterAll(async () => {
  await api?.close();
});

async function json(response: Response) {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('HTTP API on a real server', () => {
  it('answers health checks without auth', async () => {
    expect(await json(await fetch(`${api.url}/healthz`))).toEqual({
      status: 200,
      body: { status: 'ok', checks: { store: 'ok', queue: 'ok', files: 'ok' } },
    });
  });

  it('refuses a missing or forged token with a machine-readable code', async () => {
    const none = await json(await api.call(undefined, '/api/jobs/job_x'));
    expect(none).toMatchObject({ status: 401, body: { error: { code: 'missing_token' } } });
    const forged = await json(
      await fetch(`${api.url}/api/jobs/job_x`, {
        headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJ0ZW5hbnRJZCI6InQiLCJzdWIiOiJ1In0.' },
      }),
    );
    expect(forged).toMatchObject({ status: 401, body: { error: { code: 'invalid_token' } } });
  });

  it('accepts an upload at once and runs its jobs to completion', async () => {
    const response = await api.call('tenant-a', '/api/upload', {
      method: 'POST',
      body: uploadForm([
        { name: 'invoice.pdf', blob: SAMPLE_FILES.pdf() },
        { name: 'scan.png', blob: SAMPLE_FILES.png() },
      ]),
    });
    const { status, body } = await json(response);
    expect(status).toBe(202);
    expect(body.documents).toHaveLength(2);
    expect(body.jobs).toHaveLength(4);
    expect((body.documents as Array<{ content_type: string }>).map((d) => d.content_type).sort()).toEqual([
      'application/pdf',
      'image/png',
    ]);
    const sessionId = body.session_id as string;
    const statuses = await awaitJobsSettled(
      api.container,
      'tenant-a',
      (body.jobs as Array<{ job_id: string }>).map((j) => j.job_id),
    );
    expect([...statuses.values()]).toEqual(['complete', 'complete', 'complete', 'complete']);
    const session = (await json(await api.call('tenant-a', `/api/upload-sessions/${sessionId}`))).body;
    expect(session).toMatchObject({ session_id: sessionId, total_jobs: 4, completed: 4, failed: 0 });
  });

  it('hides other tenants: their job, document and session are 404, never 403', async () => {
    const upload = await json(
      await api.call('tenant-a', '/api/upload', {
        method: 'POST',
        body: uploadForm([{ name: 'a.pdf', blob: SAMPLE_FILES.pdf() }]),
      }),
    );
    const jobId = (upload.body.jobs as Array<{ job_id: string }>)[0]!.job_id;
    const documentId = (upload.body.documents as Array<{ document_id: string }>)[0]!.document_id;
    const sessionId = upload.body.session_id as string;
    for (const path of [
      `/api/jobs/${jobId}`,
      `/api/documents/${documentId}`,
      `/api/documents/${documentId}/status`,
      `/api/upload-sessions/${sessionId}`,
    ]) {
      expect((await api.call('tenant-a', path)).status).toBe(200);
      const other = await json(await api.call('tenant-b', path));
      expect(other).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    }
    for (const action of ['retry', 'cancel']) {
      expect((await api.call('tenant-b', `/api/jobs/${jobId}/${action}`, { method: 'POST' })).status).toBe(
        404,
      );
    }
    const batch = await json(await api.call('tenant-b', `/api/jobs/batch?ids=${jobId}`));
    expect(batch.body).toEqual({ jobs: [], missing: [jobId] });
  });
});

/** A fetch-shaped call on an in-process variant of the app (other limits or parts). */
async function onVariant(
  app: ReturnType<typeof createApp>,
  tenantId: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const response = await app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${await api.token(tenantId)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return response;
}

/** The envelope exactly: `{"error":{"code","message"[,"details"]}}`, JSON, with a request id. */
async function expectEnvelope(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_.:-]{1,128}$/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(['error']);
  const error = errorBodySchema.strict().parse(body).error;
  expect(Object.keys(error).filter((k) => !['code', 'message', 'details'].includes(k))).toEqual([]);
  expect(error.code).toBe(code);
  expect(error.message.length).toBeGreaterThan(0);
  return { ...error, headers: response.headers };
}

describe('the error envelope on every status the API answers with', () => {
  const json = (method: string, body: unknown) => ({
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  it('400 401 403 404 409 413 415 422 over the real server', async () => {
    await expectEnvelope(
      await api.call('env', '/api/jobs/bulk', json('POST', { action: 'explode' })),
      400,
      'invalid_request',
    );
    await expectEnvelope(await api.call(undefined, '/api/jobs/job_1'), 401, 'missing_token');
    const user = await fetch(`${api.url}/admin/queues`, {
      headers: { authorization: `Bearer ${await api.token('env')}` },
    });
    await expectEnvelope(user, 403, 'forbidden');
    await expectEnvelope(await api.call('env', '/api/jobs/job_nope'), 404, 'not_found');
    await expectEnvelope(await api.call('env', '/api/nowhere'), 404, 'route_not_found');
    const pending = await api.call(
      'env',
      '/api/uploads',
      json('POST', { files: [{ file_name: 'a.pdf', size_bytes: 10 }] }),
    );
    const { session_id, uploads } = (await pending.json()) as {
      session_id: string;
      uploads: Array<{ upload_id: string }>;
    };
    await expectEnvelope(
      await api.call(
        'env',
        `/api/uploads/${session_id}/complete`,
        json('POST', { uploads: [{ upload_id: uploads[0]?.upload_id, file_name: 'a.pdf' }] }),
      ),
      409,
      'upload_missing',
    );
    await expectEnvelope(
      await api.call(
        'env',
        '/api/uploads',
        json('POST', { files: [{ file_name: 'a.pdf', size_bytes: 10 ** 12 }] }),
      ),
      413,
      'file_too_large',
    );
    await expectEnvelope(
      await api.call('env', '/api/upload', json('POST', { files: [] })),
      415,
      'unsupported_media_type',
    );
    await expectEnvelope(
      await api.call(
        'env',
        '/api/webhooks',
        json('POST', { url: 'https://169.254.169.254/latest', events: ['entry.*'] }),
      ),
      422,
      'unsafe_webhook_url',
    );
    const malformed = await api.call('env', '/api/jobs/bulk', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"action":',
    });
    await expectEnvelope(malformed, 400, 'malformed_body');
  });

  it('429 with Retry-After on every enqueueing route, per tenant', async () => {
    const limited = createApp({ ...api.deps, rateLimiter: createRateLimiter({ perMinute: 1, burst: 1 }) });
    const enqueueing: Array<[string, string, unknown?]> = [
      ['POST', '/api/upload'],
      ['POST', '/api/uploads', { files: [{ file_name: 'a.pdf', size_bytes: 10 }] }],
      ['POST', '/api/uploads/ups_1/complete', { uploads: [{ upload_id: 'upl_1', file_name: 'a.pdf' }] }],
      ['POST', '/api/jobs/job_1/retry'],
      ['POST', '/api/jobs/bulk', { action: 'retry', ids: ['job_1'] }],
      ['POST', '/api/automations/aut_1/run'],
      ['POST', '/api/mailboxes/mbx_1/sync'],
      ['POST', '/api/events', { event: 'entry.approved', payload: {} }],
      ['POST', '/api/webhooks/wh_1/deliveries/del_1/redeliver'],
    ];
    for (const [index, [method, path, body]] of enqueueing.entries()) {
      const tenant = `limited-${index}`;
      const first = await onVariant(limited, tenant, method, path, body);
      expect([path, first.status]).not.toEqual([path, 429]);
      const error = await expectEnvelope(
        await onVariant(limited, tenant, method, path, body),
        429,
        'rate_limited',
      );
      expect([path, Number(error.headers.get('retry-after'))]).toEqual([path, expect.any(Number)]);
      expect(Number(error.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(error.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    }
    // The bucket is the tenant's: another tenant is not limited by the first one's traffic.
    const other = await onVariant(limited, 'limited-fresh', 'POST', '/api/jobs/bulk', {
      action: 'retry',
      ids: ['job_1'],
    });
    expect(other.status).toBe(200);
    // Shared scope: two API processes (two apps, as two Lambda instances) spend one budget in the table.
    const shared = () =>
      createApp({
        ...api.deps,
        // Mid-minute on a fixed clock: both requests fall in one window whatever the wall clock says.
        rateLimiter: createSharedRateLimiter({
          store: api.deps.store.rateLimits,
          perMinute: 1,
          now: () => new Date('2031-01-01T00:00:30.000Z'),
        }),
      });
    const [instanceA, instanceB] = [shared(), shared()];
    const event = { event: 'entry.approved', payload: {} };
    expect((await onVariant(instanceA, 'shared-1', 'POST', '/api/events', event)).status).not.toBe(429);
    const refused = await expectEnvelope(
      await onVariant(instanceB, 'shared-1', 'POST', '/api/events', event),
      429,
      'rate_limited',
    );
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await onVariant(instanceB, 'shared-2', 'POST', '/api/events', event)).status).not.toBe(429);
    // Every route listed as enqueueing is one the app serves.
    const served = listRoutes().map((r) => `${r.method} ${r.path.replace(/:[a-z_]+/g, 'X')}`);
    for (const [method, path] of enqueueing) {
      expect(served).toContain(`${method} ${path.replace(/\/(ups|upl|job|aut|mbx|wh|del)_1/g, '/X')}`);
    }
  });

  it('503 when a part is missing or a dependency is down', async () => {
    const bare = createApp({ ...api.deps, queueAdmin: undefined, webhooks: undefined });
    const admin = await bare.request('/admin/queues', {
      headers: { authorization: `Bearer ${await api.token('env', 'operator')}` },
    });
    await expectEnvelope(admin, 503, 'queue_admin_unavailable');
    const down = createApp({
      ...api.deps,
      health: [{ name: 'store', check: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) }],
    });
    const health = await down.request('/healthz');
    expect(health.status).toBe(503);
    // Health says which check failed, never why (the cause is in the log).
    const text = await health.text();
    expect(JSON.parse(text)).toEqual({ status: 'degraded', checks: { store: 'unavailable' } });
    expect(text).not.toContain('ECONNREFUSED');
  });

  it('hides an unexpected error behind a 500 that names only the request id', async () => {
    const broken = createApp({
      ...api.deps,
      store: {
        ...api.deps.store,
        jobs: { ...api.deps.store.jobs, get: () => Promise.reject(new Error('disk on fire at /var/db')) },
      },
    });
    const response = await broken.request('/api/jobs/job_1', {
      headers: { authorization: `Bearer ${await api.token('env')}`, 'x-request-id': 'req-boom-1' },
    });
    const error = await expectEnvelope(response, 500, 'internal_error');
    expect(error.message).not.toContain('disk');
    const logged = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.find((l) => l.message === 'request failed' && l.requestId === 'req-boom-1')).toMatchObject({
      level: 'error',
      error: expect.stringContaining('disk on fire'),
    });
  });
});

describe('request ids and structured logs', () => {
  it('echoes a well-formed x-request-id, replaces a hostile one, and logs one JSON line per request', async () => {
    const token = await api.token('logs');
    const echoed = await fetch(`${api.url}/api/jobs/job_nope?token=${token}`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-abc.123' },
    });
    expect(echoed.headers.get('x-request-id')).toBe('req-abc.123');
    const hostile = await fetch(`${api.url}/healthz`, { headers: { 'x-request-id': 'a b\tc'.repeat(50) } });
    const replaced = hostile.headers.get('x-request-id') ?? '';
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    const fresh = await fetch(`${api.url}/healthz`);
    expect(fresh.headers.get('x-request-id')).not.toBe(replaced);

    const logged = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const line = logged.find((l) => l.message === 'request' && l.requestId === 'req-abc.123');
    expect(line).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: 'info',
      message: 'request',
      requestId: 'req-abc.123',
      method: 'GET',
      path: '/api/jobs/job_nope',
      status: 404,
      ms: expect.any(Number),
      tenantId: 'logs',
      // The request's span of its W3C trace (a new trace: the caller sent no traceparent).
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(logged.some((l) => l.requestId === replaced)).toBe(true);
    // Tokens travel in queries (SSE, WebSocket) and headers: neither reaches the log.
    expect(logLines.join('\n')).not.toContain(token);
  });
});

describe('OpenAPI and the docs page', () => {
  /**
   * Served for people, not part of the API it documents: the documentation itself and the web
   * console (its page, its static modules and its cookie sign-in, which only the console calls).
   */
  const DOCUMENTATION = new Set([
    'GET /openapi.json',
    'GET /docs',
    'GET /docs/assets/:file',
    'GET /',
    'GET /console/:file',
    'POST /console/session',
    'GET /console/session',
    'DELETE /console/session',
  ]);

  it('documents every route the app serves, with its parameters', async () => {
    const spec = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
      components: {
        schemas: Record<string, { properties?: Record<string, { $ref?: string; properties?: object }> }>;
      };
    };
    expect(spec.openapi).toBe('3.1.0');
    const routes = listRoutes().filter((r) => !DOCUMENTATION.has(`${r.method} ${r.path}`));
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.filter(
      (r) => !spec.paths[r.path.replace(/:([a-z_]+)/g, '{$1}')]?.[r.method.toLowerCase()],
    );
    expect(missing).toEqual([]);
    for (const r of routes) {
      const operation = spec.paths[r.path.replace(/:([a-z_]+)/g, '{$1}')]?.[r.method.toLowerCase()];
      const pathParams = [...r.path.matchAll(/:([a-z_]+)/g)].map((m) => m[1]);
      const documented = (operation?.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect([r.path, documented.sort()]).toEqual([r.path, pathParams.sort()]);
    }
    const thumbnail = spec.paths['/api/documents/{document_id}/thumbnails/{width}']?.get as unknown as {
      responses: Record<string, { content?: Record<string, unknown> }>;
    };
    expect(Object.keys(thumbnail.responses['200']?.content ?? {})).toEqual(['image/webp']);
    const document = spec.components.schemas.Document?.properties ?? {};
    expect(document.thumbnails).toEqual({ $ref: '#/components/schemas/DocumentThumbnails' });
    expect(Object.keys(document.summary?.properties ?? {})).toEqual([
      'summary',
      'enhanced_metadata',
      'token_count',
      'provider',
    ]);
  });

  it('serves the docs page and its assets offline, and nothing else from the assets folder', async () => {
    const page = await fetch(`${api.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("url: '/openapi.json'");
    expect(html).toContain('/docs/assets/swagger-ui-bundle.js');
    const script = await fetch(`${api.url}/docs/assets/swagger-ui-bundle.js`);
    expect([script.status, script.headers.get('content-type')]).toEqual([
      200,
      'text/javascript; charset=utf-8',
    ]);
    expect((await script.text()).length).toBeGreaterThan(100_000);
    for (const file of ['package.json', 'toString', '__proto__', '..%2Fpackage.json']) {
      expect([file, (await fetch(`${api.url}/docs/assets/${file}`)).status]).toEqual([file, 404]);
    }
  });
});
