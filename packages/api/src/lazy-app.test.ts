import { silentLogger } from '@paperlane/core';
import { startTestDynamo, type TestDynamo } from '@paperlane/store/test-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, routeGroups } from './app';
import { GROUPS_BEHIND_BEARER, type RouteGroupName } from './assemble-app';
import { createTokenVerifier, mintToken } from './auth/tokens';
import type { ApiDeps } from './deps';
import { inertDeps } from './inert-deps';
import { createLazyApp } from './lazy-app';
import { createRateLimiter } from './middleware/rate-limit';
import { ROUTE_GROUP_PATHS } from './route-group-paths';

const SECRET = 'lazy-app-test-secret-long-enough-for-hs256';
let dynamo: TestDynamo;
let deps: ApiDeps;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  // A real store, verifier and limiter; the rest is never reached by these requests.
  deps = Object.assign(Object.create(inertDeps()) as ApiDeps, {
    store: await dynamo.freshStore('api-lazy-app'),
    verifyToken: createTokenVerifier({ secret: SECRET }),
    rateLimiter: createRateLimiter({ perMinute: 1000 }),
    limits: { maxFileBytes: 1024, maxFiles: 1, maxRequestBytes: 4096 },
    logger: silentLogger,
    clock: { now: () => new Date('2026-12-06T04:00:00Z') },
    health: [{ name: 'store', check: async () => {} }],
    sweepGraceMs: 60_000,
  });
});
afterAll(async () => {
  await dynamo?.stop();
});

const bearer = async (role: 'user' | 'admin' = 'user') => ({
  authorization: `Bearer ${await mintToken(SECRET, { tenantId: 'acme', userId: 'alice', role })}`,
});

/** Requests whose answers cover auth, validation, tenancy, rate-limit wiring and the 4xx shapes. */
async function requests(): Promise<Array<[string, RequestInit]>> {
  const user = await bearer();
  const json = { ...user, 'content-type': 'application/json' };
  return [
    ['/api/jobs/job_01JBENCH', {}],
    ['/api/jobs/job_01JBENCH', { headers: user }],
    ['/api/jobs/bad%20id!', { headers: user }],
    [
      '/api/jobs/bulk',
      { method: 'POST', headers: json, body: JSON.stringify({ action: 'explode', ids: [] }) },
    ],
    ['/api/jobs?limit=2', { headers: user }],
    ['/api/documents/doc_01JBENCH', { headers: user }],
    ['/admin/queues', { headers: user }],
    ['/api/nothing-here', { headers: user }],
    ['/nothing-here', {}],
    ['/healthz', {}],
  ];
}

async function answer(app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }) {
  const answers = [];
  for (const [path, init] of await requests()) {
    const response = await app.request(path, init);
    answers.push({ path, status: response.status, body: (await response.json()) as unknown });
  }
  return answers;
}

describe('the lazy app', () => {
  it('knows every path each route group serves (a route missing here would never load)', () => {
    const groups = routeGroups(inertDeps());
    for (const name of Object.keys(groups) as RouteGroupName[]) {
      const served = [...new Set(groups[name].routes.map((r) => r.path))].sort();
      expect([name, [...ROUTE_GROUP_PATHS[name]].sort()]).toEqual([name, served]);
    }
  });

  it('answers as the eager app does, loading only the groups a request could reach', async () => {
    const lazy = createLazyApp(deps);
    expect(lazy.loadedGroups()).toEqual([]);
    const unauthenticated = await lazy.request('/api/jobs/job_01JBENCH', {});
    expect([unauthenticated.status, await unauthenticated.json()]).toEqual([
      401,
      { error: { code: 'missing_token', message: 'send Authorization: Bearer <token>' } },
    ]);
    // The bearer check answers before any route group: none is loaded for it.
    expect(lazy.loadedGroups()).toEqual([]);

    const eager = await answer(createApp(deps));
    expect(await answer(lazy)).toEqual(eager);
    expect(eager.map((a) => [a.path, a.status])).toEqual([
      ['/api/jobs/job_01JBENCH', 401],
      ['/api/jobs/job_01JBENCH', 404],
      ['/api/jobs/bad%20id!', 400],
      ['/api/jobs/bulk', 400],
      ['/api/jobs?limit=2', 200],
      ['/api/documents/doc_01JBENCH', 404],
      ['/admin/queues', 403],
      ['/api/nothing-here', 404],
      ['/nothing-here', 404],
      ['/healthz', 200],
    ]);
    expect(eager[2]?.body).toMatchObject({ error: { code: 'invalid_request' } });
    expect(eager[7]?.body).toMatchObject({ error: { code: 'route_not_found' } });
    // `/api/jobs/bulk` also matches `/api/jobs/:job_id`'s pattern; `/api/jobs` is the lists' route.
    expect(lazy.loadedGroups()).toEqual(['health', 'jobs', 'lists', 'documents', 'admin']);
  });

  it('answers every route behind the bearer check 401 without a credential, loading none of its groups', async () => {
    const lazy = createLazyApp(deps);
    const groups = routeGroups(inertDeps());
    const requests = GROUPS_BEHIND_BEARER.flatMap((name) =>
      groups[name].routes.map((r) => ({
        name,
        method: r.method,
        // Every parameter and wildcard filled in, so the path is one a client could send.
        path: r.path.replace(/:[a-z_]+/g, 'x_1').replace('*', 'x'),
      })),
    );
    expect(requests.length).toBeGreaterThan(GROUPS_BEHIND_BEARER.length);
    for (const { name, method, path } of requests) {
      const eager = await createApp(deps).request(path, { method });
      const answer = await lazy.request(path, { method });
      const seen = [name, method, path, answer.status, await answer.json()];
      expect(seen).toEqual([name, method, path, eager.status, await eager.json()]);
      expect(seen).toEqual([
        name,
        method,
        path,
        401,
        expect.objectContaining({ error: expect.objectContaining({ code: 'missing_token' }) }),
      ]);
    }
    // Only `/api/events`, which the event stream also serves before the bearer check (it takes `?token=`).
    expect(lazy.loadedGroups()).toEqual(['eventStream', 'webhooks']);
    // A header of any kind, even a bad one, goes the usual way: the group loads, the check refuses.
    const malformed = await lazy.request('/api/jobs/job_01JBENCH', { headers: { authorization: 'Basic x' } });
    expect(malformed.status).toBe(401);
    expect(lazy.loadedGroups()).toEqual(['eventStream', 'jobs', 'webhooks']);
  });

  it('serves the whole OpenAPI document, the same as the eager app', async () => {
    const lazy = createLazyApp(deps);
    const document = await (await lazy.request('/openapi.json')).json();
    expect(document).toEqual(await (await createApp(deps).request('/openapi.json')).json());
    expect(lazy.loadedGroups()).toEqual(Object.keys(ROUTE_GROUP_PATHS));
    expect(Object.keys((document as { webhooks: object }).webhooks)).toContain('job.completed');
  });
});
