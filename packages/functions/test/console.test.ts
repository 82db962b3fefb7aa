import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createApp } from '@paperlane/api';
import { CONSOLE_FILES, sourcePath } from '@paperlane/console';
import { JOB_STATUSES, QUEUE_NAMES } from '@paperlane/core';
import { DOCUMENT_STATUSES } from '@paperlane/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from './support/api-harness';

/**
 * The console's routes over a real server: the page and its allow-listed files,
 * and the cookie session, which counts only together with the console header.
 */
describe('the web console routes', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  const CONSOLE = { 'x-paperlane-console': '1' };
  async function signIn(token: string) {
    const response = await fetch(`${api.url}/console/session`, {
      method: 'POST',
      headers: { ...CONSOLE, 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    return { response, cookie: response.headers.get('set-cookie') ?? '' };
  }
  const cookiePair = (setCookie: string) => setCookie.split(';')[0] ?? '';

  it('serves the page at / with a CSP that allows only its own scripts and the import map by hash', async () => {
    const response = await fetch(`${api.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    const importMap = /<script type="importmap">([^<]*)<\/script>/.exec(html)?.[1] ?? '';
    expect(JSON.parse(importMap).imports.preact).toBe('/console/preact.mjs');
    const csp = response.headers.get('content-security-policy') ?? '';
    const hash = createHash('sha256').update(importMap).digest('base64');
    expect(csp).toContain(`script-src 'self' 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    // Every other inline script would be blocked: there is none.
    expect(html.match(/<script(?![^>]*\bsrc=)(?![^>]*type="importmap")/g)).toBeNull();
  });

  it('lets images load from this origin only, or also from the one origin file links point to (S3 on AWS)', async () => {
    const imgSrc = (csp: string | null) => csp?.split('; ').find((d) => d.startsWith('img-src'));
    expect(imgSrc((await fetch(`${api.url}/`)).headers.get('content-security-policy'))).toBe(
      "img-src 'self'",
    );
    const bucket = 'https://paperlane-files.s3.eu-west-1.amazonaws.com';
    const onAws = createApp({ ...api.deps, fileLinkOrigin: bucket });
    expect(imgSrc((await onAws.request('/')).headers.get('content-security-policy'))).toBe(
      `img-src 'self' ${bucket}`,
    );
    // A configured value that is not a bare origin cannot add directives or sources.
    for (const hostile of ["https://x.example; script-src 'unsafe-inline'", 'https:', '*', 'data:']) {
      const app = createApp({ ...api.deps, fileLinkOrigin: hostile });
      const csp = (await app.request('/')).headers.get('content-security-policy') ?? '';
      expect(imgSrc(csp), hostile).toBe("img-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
    }
  });

  it('serves each allow-listed file with its type, and nothing else under /console/', async () => {
    for (const [name, { type }] of Object.entries(CONSOLE_FILES)) {
      const response = await fetch(`${api.url}/console/${name}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    for (const hostile of [
      'constructor',
      'toString',
      '__proto__',
      '..%2Fpackage.json',
      '%2E%2E%2F%2E%2E%2Fpackage.json',
      'app.js%00.css',
      'index.ts',
      'preact.module.js.map',
    ]) {
      const response = await fetch(`${api.url}/console/${hostile}`);
      expect(response.status, hostile).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
    }
  });

  it('lists every file of public/ in the allow-list, and the page names the queues and statuses the API has', async () => {
    const dir = fileURLToPath(new URL('../../console/public/', import.meta.url));
    const own = Object.entries(CONSOLE_FILES)
      .filter(([, file]) => file.from.startsWith('public/'))
      .map(([name]) => name);
    expect((await readdir(dir)).sort()).toEqual(own.sort());
    const ui = await readFile(sourcePath('ui.js'), 'utf8');
    const listed = (name: string) =>
      (new RegExp(`${name} = \\[([^\\]]*)\\]`).exec(ui)?.[1]?.match(/'[^']+'/g) ?? []).map((q) =>
        q.slice(1, -1),
      );
    expect(listed('QUEUE_NAMES')).toEqual([...QUEUE_NAMES]);
    // A filter value the API does not know would be a 400 on the list pages.
    expect(listed('JOB_STATUSES')).toEqual([...JOB_STATUSES]);
    expect(listed('DOCUMENT_STATUSES')).toEqual([...DOCUMENT_STATUSES]);
  });

  it('exchanges a token for an HttpOnly SameSite=Strict cookie, only with the console header', async () => {
    const token = await api.token('acme', 'admin');
    const { response, cookie } = await signIn(token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ tenant_id: 'acme', user_id: 'user-1', role: 'admin' });
    expect(cookie).toMatch(/^paperlane_console=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    // The answer never repeats the token.
    expect(JSON.stringify(await (await signIn(token)).response.json())).not.toContain(token);

    const noHeader = await fetch(`${api.url}/console/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(noHeader.status).toBe(403);
    expect(((await noHeader.json()) as { error: { code: string } }).error.code).toBe(
      'console_header_required',
    );
    expect(noHeader.headers.get('set-cookie')).toBeNull();
  });

  it('refuses hostile sign-in bodies with coded errors and sets no cookie', async () => {
    const bodies = [
      '',
      'not json',
      '[]',
      '{"token": 5}',
      '{"token": "short"}',
      '{"token": "a.b.c<script>"}',
      `{"token": "${'a'.repeat(9000)}"}`,
      '{"token": "eyJhbGciOiJIUzI1NiJ9.e30.x", "extra": 1}',
    ];
    for (const body of bodies) {
      const response = await fetch(`${api.url}/console/session`, {
        method: 'POST',
        headers: { ...CONSOLE, 'content-type': 'application/json' },
        body,
      });
      expect(response.status, body.slice(0, 40)).toBe(400);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
    const forged = await signIn('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl');
    expect(forged.response.status).toBe(401);
    expect(forged.cookie).toBe('');
  });

  it('the cookie authenticates /api and /admin only together with the console header', async () => {
    const { cookie } = await signIn(await api.token('acme', 'user'));
    const jar = { cookie: cookiePair(cookie) };
    const read = (headers: Record<string, string>) =>
      fetch(`${api.url}/api/jobs/batch?ids=job_x`, { headers });
    expect((await read(jar)).status).toBe(401);
    expect((await read({ ...jar, 'x-paperlane-console': 'yes' })).status).toBe(401);
    expect((await read({ ...jar, ...CONSOLE })).status).toBe(200);
    // A user's cookie is a user's: the operator routes stay closed.
    const queues = await fetch(`${api.url}/admin/queues`, { headers: { ...jar, ...CONSOLE } });
    expect(queues.status).toBe(403);
    // An explicit bearer header wins over the cookie, a bad one is not rescued by it.
    const bad = await read({ ...jar, ...CONSOLE, authorization: 'Bearer not-a-valid-token-at-all' });
    expect(bad.status).toBe(401);

    const who = await fetch(`${api.url}/console/session`, { headers: { ...jar, ...CONSOLE } });
    expect(await who.json()).toEqual({ tenant_id: 'acme', user_id: 'user-1', role: 'user' });
    expect((await fetch(`${api.url}/console/session`, { headers: jar })).status).toBe(401);
  });

  it('streams events to the cookie with the header, and signs out by clearing the cookie', async () => {
    const { cookie } = await signIn(await api.token('acme', 'user'));
    const jar = { cookie: cookiePair(cookie) };
    const controller = new AbortController();
    const stream = await fetch(`${api.url}/api/events?job_id=job_nope`, {
      headers: { ...jar, ...CONSOLE },
      signal: controller.signal,
    });
    // Authenticated (not 401): the job is simply not this tenant's.
    expect(stream.status).toBe(404);
    controller.abort();
    expect((await fetch(`${api.url}/api/events?job_id=job_nope`, { headers: jar })).status).toBe(401);

    const out = await fetch(`${api.url}/console/session`, {
      method: 'DELETE',
      headers: { ...jar, ...CONSOLE },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^paperlane_console=;.*Max-Age=0/);
  });
});
