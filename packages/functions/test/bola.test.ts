import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { listRoutes, type UploadResponse } from '@paperlane/api';
import { blobKeys } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';
import { openRealtimeClient } from './support/ws-client';

/**
 * Broken object-level authorization: every route that takes an id is tried by another
 * tenant with the owner's real id, and must answer 404 `not_found` (never 403, which
 * would confirm the id exists), changing nothing. The route list comes from the app
 * itself, so a new route with an id fails here until it has a case.
 */

const OWNER = 'acme';
const OTHER = 'globex';

let api: ApiHarness;
/** The owner's objects, created through the API (and the store where no route creates them). */
const ids = {
  job: '',
  cancellableJob: '',
  document: '',
  session: '',
  presignedSession: '',
  upload: '',
  automation: '',
  mailbox: '',
  webhook: '',
  delivery: '',
};
const THUMBNAIL_WIDTH = 300;

async function send(
  tenantId: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  role?: 'admin' | 'operator',
) {
  const headers: Record<string, string> = {};
  if (tenantId) headers.authorization = `Bearer ${await api.token(tenantId, role)}`;
  let payload: Uint8Array | string | undefined;
  if (body instanceof Uint8Array) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers,
    ...(payload ? { body: payload } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: response.status, body: json as Record<string, unknown> & { error?: { code: string } } };
}

async function created(method: string, path: string, body: unknown, key: string): Promise<string> {
  const result = await send(OWNER, method, path, body);
  if (result.status >= 300)
    throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
  return String(result.body[key]);
}

beforeAll(async () => {
  api = await startApi({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '100000' } });
  const upload = await api.call(OWNER, '/api/upload', {
    method: 'POST',
    body: uploadForm([
      { name: 'a.pdf', blob: SAMPLE_FILES.pdf() },
      { name: 'b.png', blob: SAMPLE_FILES.png() },
    ]),
  });
  const accepted = (await upload.json()) as UploadResponse;
  ids.job = accepted.jobs[0]?.job_id ?? '';
  ids.cancellableJob = accepted.jobs[1]?.job_id ?? '';
  ids.document = accepted.documents[0]?.document_id ?? '';
  ids.session = accepted.session_id;

  // Placeholder jobs render nothing: record a thumbnail as the thumbnail job would.
  const key = blobKeys.thumbnail(OWNER, ids.document, THUMBNAIL_WIDTH);
  await api.container.blobs.put(key, new Uint8Array([0x52, 0x49, 0x46, 0x46]), { contentType: 'image/webp' });
  await api.container.store.documents.update({
    tenantId: OWNER,
    documentId: ids.document,
    thumbnails: {
      blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
      original: { width: 612, height: 792 },
      items: [{ requestedWidth: THUMBNAIL_WIDTH, width: 300, height: 388, key }],
    },
    now: new Date(),
  });

  const presigned = await send(OWNER, 'POST', '/api/uploads', {
    files: [{ file_name: 'p.pdf', size_bytes: 40 }],
  });
  ids.presignedSession = String(presigned.body.session_id);
  ids.upload = String((presigned.body.uploads as Array<{ upload_id: string }>)[0]?.upload_id);

  ids.automation = await created(
    'POST',
    '/api/automations',
    { name: 'Nightly', schedule: 'cron(30 2 * * *)', timezone: 'UTC', action: { type: 'sync_mailboxes' } },
    'automation_id',
  );
  ids.mailbox = await created(
    'POST',
    '/api/mailboxes',
    { host: 'imap.example.com', user: 'in@acme.example', password: 'a-long-mailbox-password' },
    'mailbox_id',
  );
  ids.webhook = await created(
    'POST',
    '/api/webhooks',
    { url: 'http://127.0.0.1:9/hook', events: ['entry.*'] },
    'webhook_id',
  );
  await created(
    'POST',
    '/api/events',
    { event: 'entry.approved', payload: { n: 1 }, event_id: 'evt_bola' },
    'event_id',
  );
  const deliveries = await send(OWNER, 'GET', `/api/webhooks/${ids.webhook}/deliveries`);
  ids.delivery = String((deliveries.body.deliveries as Array<{ delivery_id: string }>)[0]?.delivery_id);
  for (const [name, value] of Object.entries(ids)) {
    if (!value || value === 'undefined') throw new Error(`setup did not create ${name}`);
  }
});
afterAll(async () => {
  await api?.close();
});

interface BolaCase {
  method: string;
  path: () => string;
  body?: () => unknown;
  /** The owner's answer to the same request, proving the id is real; for writes, a read stands in. */
  owner: { status: number; method?: string; path?: () => string };
}

/** Keyed `METHOD /route/:param` exactly as `listRoutes()` spells it; run in this order. */
const CASES: Record<string, BolaCase> = {
  'GET /api/jobs/:job_id': { method: 'GET', path: () => `/api/jobs/${ids.job}`, owner: { status: 200 } },
  'POST /api/jobs/:job_id/retry': {
    method: 'POST',
    path: () => `/api/jobs/${ids.job}/retry`,
    // Pending, so not retryable: a 409, which only an owner can get.
    owner: { status: 409 },
  },
  'POST /api/jobs/:job_id/cancel': {
    method: 'POST',
    path: () => `/api/jobs/${ids.cancellableJob}/cancel`,
    owner: { status: 200, method: 'GET', path: () => `/api/jobs/${ids.cancellableJob}` },
  },
  'GET /api/documents/:document_id': {
    method: 'GET',
    path: () => `/api/documents/${ids.document}`,
    owner: { status: 200 },
  },
  'GET /api/documents/:document_id/status': {
    method: 'GET',
    path: () => `/api/documents/${ids.document}/status`,
    owner: { status: 200 },
  },
  'GET /api/documents/:document_id/thumbnails/:width': {
    method: 'GET',
    path: () => `/api/documents/${ids.document}/thumbnails/${THUMBNAIL_WIDTH}`,
    owner: { status: 200 },
  },
  'GET /api/documents/:document_id/original': {
    method: 'GET',
    path: () => `/api/documents/${ids.document}/original`,
    owner: { status: 200 },
  },
  'POST /api/documents/:document_id/links': {
    method: 'POST',
    path: () => `/api/documents/${ids.document}/links`,
    body: () => ({ kind: 'thumbnail', width: THUMBNAIL_WIDTH }),
    owner: { status: 200 },
  },
  'POST /api/documents/:document_id/reprocess': {
    method: 'POST',
    path: () => `/api/documents/${ids.document}/reprocess`,
    body: () => ({ priority: 'low' }),
    // Its jobs may or may not have run yet (202 or 409 document_busy): a read proves the id.
    owner: { status: 200, method: 'GET', path: () => `/api/documents/${ids.document}` },
  },
  'GET /api/upload-sessions/:session_id': {
    method: 'GET',
    path: () => `/api/upload-sessions/${ids.session}`,
    owner: { status: 200 },
  },
  'POST /api/uploads/:session_id/complete': {
    method: 'POST',
    path: () => `/api/uploads/${ids.presignedSession}/complete`,
    body: () => ({ uploads: [{ upload_id: ids.upload, file_name: 'p.pdf' }] }),
    // Nothing uploaded yet: the owner is told so (409), the other tenant learns nothing.
    owner: { status: 409 },
  },
  'PUT /api/uploads/:session_id/files/:upload_id': {
    method: 'PUT',
    path: () => `/api/uploads/${ids.presignedSession}/files/${ids.upload}`,
    body: () => new Uint8Array(Buffer.from('%PDF-1.4\n%%EOF\n')),
    owner: { status: 204 },
  },
  'GET /api/automations/:automation_id': {
    method: 'GET',
    path: () => `/api/automations/${ids.automation}`,
    owner: { status: 200 },
  },
  'PATCH /api/automations/:automation_id': {
    method: 'PATCH',
    path: () => `/api/automations/${ids.automation}`,
    body: () => ({ name: 'taken over' }),
    owner: { status: 200, method: 'GET' },
  },
  'DELETE /api/automations/:automation_id': {
    method: 'DELETE',
    path: () => `/api/automations/${ids.automation}`,
    owner: { status: 200, method: 'GET' },
  },
  'POST /api/automations/:automation_id/run': {
    method: 'POST',
    path: () => `/api/automations/${ids.automation}/run`,
    owner: { status: 200, method: 'GET', path: () => `/api/automations/${ids.automation}` },
  },
  'GET /api/mailboxes/:mailbox_id': {
    method: 'GET',
    path: () => `/api/mailboxes/${ids.mailbox}`,
    owner: { status: 200 },
  },
  'PATCH /api/mailboxes/:mailbox_id': {
    method: 'PATCH',
    path: () => `/api/mailboxes/${ids.mailbox}`,
    body: () => ({ folder: 'Stolen' }),
    owner: { status: 200, method: 'GET' },
  },
  'DELETE /api/mailboxes/:mailbox_id': {
    method: 'DELETE',
    path: () => `/api/mailboxes/${ids.mailbox}`,
    owner: { status: 200, method: 'GET' },
  },
  'POST /api/mailboxes/:mailbox_id/sync': {
    method: 'POST',
    path: () => `/api/mailboxes/${ids.mailbox}/sync`,
    owner: { status: 200, method: 'GET', path: () => `/api/mailboxes/${ids.mailbox}/syncs` },
  },
  'GET /api/mailboxes/:mailbox_id/syncs': {
    method: 'GET',
    path: () => `/api/mailboxes/${ids.mailbox}/syncs`,
    owner: { status: 200 },
  },
  'GET /api/webhooks/:webhook_id': {
    method: 'GET',
    path: () => `/api/webhooks/${ids.webhook}`,
    owner: { status: 200 },
  },
  'PATCH /api/webhooks/:webhook_id': {
    method: 'PATCH',
    path: () => `/api/webhooks/${ids.webhook}`,
    body: () => ({ url: 'http://127.0.0.1:9/attacker' }),
    owner: { status: 200, method: 'GET' },
  },
  'DELETE /api/webhooks/:webhook_id': {
    method: 'DELETE',
    path: () => `/api/webhooks/${ids.webhook}`,
    owner: { status: 200, method: 'GET' },
  },
  'POST /api/webhooks/:webhook_id/rotate-secret': {
    method: 'POST',
    path: () => `/api/webhooks/${ids.webhook}/rotate-secret`,
    owner: { status: 200, method: 'GET', path: () => `/api/webhooks/${ids.webhook}` },
  },
  'GET /api/webhooks/:webhook_id/deliveries': {
    method: 'GET',
    path: () => `/api/webhooks/${ids.webhook}/deliveries`,
    owner: { status: 200 },
  },
  'POST /api/webhooks/:webhook_id/deliveries/:delivery_id/redeliver': {
    method: 'POST',
    path: () => `/api/webhooks/${ids.webhook}/deliveries/${ids.delivery}/redeliver`,
    owner: { status: 202 },
  },
};

/** Routes with a path parameter that names no tenant object, and why. */
const NOT_TENANT_OBJECTS: Record<string, string> = {
  'GET /docs/assets/:file': 'static files of the docs page',
  'GET /console/:file': 'allow-listed static files of the web console (console.test.ts)',
  'GET /files/:token':
    'a signed token, not an id: it names its tenant under the MAC; tampered and foreign ones are 403 (document-files.test.ts)',
  'GET /admin/queues/:name/failed': 'a queue name (platform-wide); the list is tenant-scoped: admin.test.ts',
  'POST /admin/queues/:name/redrive': 'a queue name; redrive by ids is tenant-scoped: admin.test.ts',
  'POST /admin/queues/:name/pause': 'a queue name (platform-wide, operator only)',
  'POST /admin/queues/:name/resume': 'a queue name (platform-wide, operator only)',
};

const routeKeys = () => listRoutes().map((r) => `${r.method} ${r.path}`);

describe('BOLA: another tenant’s id is a 404, never a 403, on every route that takes one', () => {
  it('has a case for every route with a path id, and no case for a route that is gone', () => {
    const withIds = routeKeys().filter((key) => key.includes('/:'));
    expect(withIds.filter((key) => !(key in CASES) && !(key in NOT_TENANT_OBJECTS))).toEqual([]);
    expect(Object.keys({ ...CASES, ...NOT_TENANT_OBJECTS }).filter((key) => !withIds.includes(key))).toEqual(
      [],
    );
  });

  it.each(Object.entries(CASES))('%s', async (_route, c) => {
    const intruder = await send(OTHER, c.method, c.path(), c.body?.());
    expect(intruder.status).toBe(404);
    expect(intruder.body).toMatchObject({ error: { code: 'not_found', message: expect.any(String) } });
    // An admin of the other tenant is no closer.
    const admin = await send(OTHER, c.method, c.path(), c.body?.(), 'admin');
    expect([admin.status, admin.body.error?.code]).toEqual([404, 'not_found']);
    const owner = await send(
      OWNER,
      c.owner.method ?? c.method,
      (c.owner.path ?? c.path)(),
      c.owner.method ? undefined : c.body?.(),
    );
    expect(owner.status).toBe(c.owner.status);
  });

  it('left the owner’s objects as they were', async () => {
    expect((await send(OWNER, 'GET', `/api/automations/${ids.automation}`)).body).toMatchObject({
      name: 'Nightly',
    });
    expect((await send(OWNER, 'GET', `/api/mailboxes/${ids.mailbox}`)).body).toMatchObject({
      folder: 'INBOX',
    });
    expect((await send(OWNER, 'GET', `/api/webhooks/${ids.webhook}`)).body).toMatchObject({
      url: 'http://127.0.0.1:9/hook',
    });
    expect((await send(OWNER, 'GET', `/api/jobs/${ids.cancellableJob}`)).body).toMatchObject({
      status: 'pending',
    });
    // None of the other tenant's attempts (the PUT included) stored a file anywhere.
    expect(existsSync(join(api.dataDir, 'files', 'tenants', OTHER))).toBe(false);
  });

  it('answers ids in queries and bodies the same way: batch, bulk, the event stream, WebSocket subscribe', async () => {
    expect((await send(OTHER, 'GET', `/api/jobs/batch?ids=${ids.job}`)).body).toEqual({
      jobs: [],
      missing: [ids.job],
    });
    for (const action of ['retry', 'cancel']) {
      expect(
        (await send(OTHER, 'POST', '/api/jobs/bulk', { action, ids: [ids.cancellableJob] })).body,
      ).toEqual({
        results: [{ job_id: ids.cancellableJob, outcome: 'not_found' }],
      });
    }
    for (const query of [`session_id=${ids.session}`, `job_id=${ids.job}`]) {
      const stream = await send(OTHER, 'GET', `/api/events?${query}`);
      expect([stream.status, stream.body.error?.code]).toEqual([404, 'not_found']);
    }
    const intruder = await openRealtimeClient(`${api.wsUrl}?token=${await api.token(OTHER)}`);
    const owner = await openRealtimeClient(`${api.wsUrl}?token=${await api.token(OWNER)}`);
    try {
      await Promise.all([intruder.next(), owner.next()]);
      for (const target of [{ session_id: ids.session }, { job_id: ids.job }]) {
        intruder.send({ action: 'subscribe', ...target });
        expect(await intruder.next()).toMatchObject({ type: 'error', code: 'not_found' });
        owner.send({ action: 'subscribe', ...target });
        expect(await owner.next()).toEqual({ type: 'subscribed', ...target });
        expect(await owner.next()).toMatchObject({ type: 'snapshot', ...target });
      }
    } finally {
      intruder.close();
      owner.close();
    }
  });
});

describe('lists, failed groups and bulk retry: another tenant learns nothing', () => {
  it('filters by the owner’s ids come back empty, for a user or an admin', async () => {
    for (const role of [undefined, 'admin'] as const) {
      for (const query of [`session_id=${ids.session}`, `document_id=${ids.document}`]) {
        expect((await send(OTHER, 'GET', `/api/jobs?${query}`, undefined, role)).body).toEqual({
          items: [],
          next_cursor: null,
        });
      }
    }
    expect((await send(OWNER, 'GET', `/api/jobs?session_id=${ids.session}`)).body.items).not.toEqual([]);
    const listed = async (tenant: string, path: string, key: string) =>
      ((await send(tenant, 'GET', path)).body.items as Array<Record<string, string>>).map((i) => i[key]);
    expect(await listed(OWNER, '/api/documents?limit=100', 'document_id')).toContain(ids.document);
    expect(await listed(OTHER, '/api/documents?limit=100', 'document_id')).not.toContain(ids.document);
    expect(await listed(OTHER, '/api/upload-sessions?limit=100', 'session_id')).not.toContain(ids.session);
    expect(await listed(OTHER, '/api/jobs?limit=100', 'job_id')).not.toContain(ids.job);
  });

  it('refuses the owner’s cursor with the same answer as garbage', async () => {
    for (const path of ['/api/jobs', '/api/documents', '/api/upload-sessions']) {
      const page = await send(OWNER, 'GET', `${path}?limit=1`);
      const cursor = String(page.body.next_cursor);
      expect(page.body.next_cursor).toEqual(expect.any(String));
      const foreign = await send(OTHER, 'GET', `${path}?limit=1&cursor=${cursor}`);
      const garbage = await send(OTHER, 'GET', `${path}?limit=1&cursor=AAAA`);
      expect([foreign.status, foreign.body.error?.code]).toEqual([400, 'invalid_cursor']);
      expect(Object.keys(foreign.body.error ?? {})).toEqual(Object.keys(garbage.body.error ?? {}));
    }
  });

  it('bulk retry and the failed groups stay in the caller’s tenant; a user gets 403', async () => {
    expect(
      (await send(OTHER, 'POST', '/api/jobs/bulk-retry', { job_ids: [ids.job], dry_run: true }, 'admin'))
        .body,
    ).toEqual({ matched: 0, retried: 0, dry_run: true, truncated: false });
    expect((await send(OTHER, 'GET', '/api/failed-jobs/groups', undefined, 'admin')).body).toMatchObject({
      groups: [],
    });
    for (const [method, path, body] of [
      ['GET', '/api/failed-jobs/groups', undefined],
      ['POST', '/api/jobs/bulk-retry', { dry_run: true }],
    ] as const) {
      const user = await send(OWNER, method, path, body);
      expect([user.status, user.body.error?.code, Object.keys(user.body)]).toEqual([
        403,
        'forbidden',
        ['error'],
      ]);
    }
    const assigned = await send(OWNER, 'POST', '/api/jobs/bulk-retry', { tenant_id: OTHER }, 'admin');
    expect([assigned.status, assigned.body.error?.code]).toEqual([400, 'invalid_request']);
  });
});

describe('authorization on every route', () => {
  it('refuses every /api and /admin route without a token: 401 missing_token', async () => {
    const open = new Set(['DELETE /admin/session']);
    const guarded = listRoutes().filter(
      (r) =>
        (r.path.startsWith('/api/') || r.path.startsWith('/admin/')) && !open.has(`${r.method} ${r.path}`),
    );
    expect(guarded.length).toBeGreaterThan(30);
    const answers = await Promise.all(
      guarded.map(async (r) => {
        const result = await send(undefined, r.method, fill(r.path));
        return `${r.method} ${r.path} ${result.status} ${result.body?.error?.code}`;
      }),
    );
    expect(answers).toEqual(guarded.map((r) => `${r.method} ${r.path} 401 missing_token`));
  });

  it('refuses a user token on every admin route: 403 forbidden', async () => {
    const admin = listRoutes().filter((r) => r.path.startsWith('/admin/') && r.method !== 'DELETE');
    expect(admin.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'GET /admin/queues',
        'POST /admin/queues/:name/redrive',
        'POST /admin/session',
      ]),
    );
    for (const r of admin) {
      const result = await send(OWNER, r.method, fill(r.path));
      expect(`${r.method} ${r.path} ${result.status} ${result.body?.error?.code}`).toBe(
        `${r.method} ${r.path} 403 forbidden`,
      );
    }
  });
});

const fill = (path: string) =>
  path.replace(/:([a-z_]+)/g, (_m, name: string) => (name === 'name' ? 'thumbnail' : `${name}_1`));

/** Deployment-wide actions: the operator's, never a tenant admin's (redrive without ids is the whole DLQ). */
const OPERATOR_ROUTES = [
  'GET /admin/queues',
  'GET /admin/queues/stats',
  'POST /admin/queues/:name/pause',
  'POST /admin/queues/:name/resume',
  'POST /admin/queues/:name/redrive',
  'POST /admin/session',
  // Every tenant's job counts and latencies: deployment-wide.
  'GET /metrics',
];

describe('operator routes: a tenant admin gets 403 and learns nothing', () => {
  it('lists every admin route as operator-only or tenant-scoped', () => {
    const admin = routeKeys().filter((key) => key.includes(' /admin/') && !key.startsWith('DELETE '));
    const tenantScoped = ['GET /admin/queues/:name/failed', 'POST /admin/queues/:name/redrive'];
    expect(admin.filter((key) => !OPERATOR_ROUTES.includes(key) && !tenantScoped.includes(key))).toEqual([]);
  });

  it.each(OPERATOR_ROUTES)('%s', async (route) => {
    const [method = '', path = ''] = route.split(' ');
    const refused = await send(OWNER, method, fill(path), undefined, 'admin');
    expect([refused.status, refused.body.error?.code, Object.keys(refused.body)]).toEqual([
      403,
      'forbidden',
      ['error'],
    ]);
    const allowed = await send('ops', method, fill(path), undefined, 'operator');
    expect(allowed.status).toBeLessThan(300);
  });

  it('GET /metrics: no token is 401, a user token 403, and neither shows a metric', async () => {
    const anonymous = await send(undefined, 'GET', '/metrics');
    expect([anonymous.status, anonymous.body.error?.code]).toEqual([401, 'missing_token']);
    const user = await send(OWNER, 'GET', '/metrics');
    expect([user.status, user.body.error?.code, Object.keys(user.body)]).toEqual([
      403,
      'forbidden',
      ['error'],
    ]);
    const operator = await send('ops', 'GET', '/metrics', undefined, 'operator');
    expect(String(operator.body)).toContain('paperlane_http_request_duration_seconds');
  });
});

describe('mass assignment: bodies are strict, unknown fields are a 400', () => {
  const cases: Array<[string, string, () => string, unknown, boolean?]> = [
    [
      'presigned uploads',
      'POST',
      () => '/api/uploads',
      { files: [{ file_name: 'a.pdf', size_bytes: 1 }], tenant_id: 'victim' },
    ],
    [
      'a presigned file entry',
      'POST',
      () => '/api/uploads',
      { files: [{ file_name: 'a.pdf', size_bytes: 1, blob_key: 'tenants/victim/x' }] },
    ],
    [
      'complete',
      'POST',
      () => `/api/uploads/${ids.presignedSession}/complete`,
      { uploads: [{ upload_id: ids.upload, file_name: 'p.pdf' }], status: 'complete' },
    ],
    ['bulk', 'POST', () => '/api/jobs/bulk', { action: 'retry', ids: [ids.job], tenant_id: 'victim' }],
    [
      'automation create',
      'POST',
      () => '/api/automations',
      {
        name: 'x',
        schedule: 'rate(1 hour)',
        timezone: 'UTC',
        action: { type: 'sync_mailboxes' },
        tenant_id: 'victim',
      },
    ],
    ['automation patch', 'PATCH', () => `/api/automations/${ids.automation}`, { tenant_user_id: 'mallory' }],
    [
      'mailbox create',
      'POST',
      () => '/api/mailboxes',
      { host: 'imap.example.com', user: 'u', password: 'p-long-enough', password_ciphertext: 'l1.x.y.z' },
    ],
    ['mailbox patch', 'PATCH', () => `/api/mailboxes/${ids.mailbox}`, { tenant_id: 'victim' }],
    [
      'webhook create',
      'POST',
      () => '/api/webhooks',
      { url: 'http://127.0.0.1:9/x', events: ['entry.*'], secret: 'chosen-by-the-caller' },
    ],
    ['webhook patch', 'PATCH', () => `/api/webhooks/${ids.webhook}`, { secret_ciphertext: 'x' }],
    ['app event', 'POST', () => '/api/events', { event: 'entry.approved', payload: {}, tenant_id: 'victim' }],
    [
      'redrive',
      'POST',
      () => '/admin/queues/thumbnail/redrive',
      { ids: [ids.job], tenant_id: 'victim' },
      true,
    ],
  ];

  it.each(cases)('%s', async (_name, method, path, body, asAdmin) => {
    const result = await send(OWNER, method, path(), body, asAdmin ? 'admin' : undefined);
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'invalid_request', message: expect.any(String) } });
  });
});
