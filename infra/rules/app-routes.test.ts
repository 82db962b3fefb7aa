import { describe, expect, it } from 'vitest';
import { loadAppRoutes } from './app-routes';

describe('loadAppRoutes', () => {
  it('skips with a clear message while @paperlane/api does not export listRoutes()', async () => {
    expect(await loadAppRoutes(async () => ({ createApp: () => null }))).toEqual({
      unavailable: '@paperlane/api does not export listRoutes() yet; API routes not checked',
    });
  });

  it('skips, naming the error, when the package fails to load', async () => {
    const routes = await loadAppRoutes(async () => {
      throw new Error('Cannot find module hono\n    at stack');
    });
    expect(routes).toEqual({
      unavailable: '@paperlane/api failed to load (Cannot find module hono); API routes not checked',
    });
  });

  it('accepts { method, path } objects and "METHOD /path" strings', async () => {
    const listRoutes = () => [{ method: 'GET', path: '/healthz' }, 'POST /api/upload'];
    expect(await loadAppRoutes(async () => ({ listRoutes }))).toEqual([
      { method: 'GET', path: '/healthz' },
      { method: 'POST', path: '/api/upload' },
    ]);
  });

  it('refuses another shape instead of guessing', async () => {
    const routes = await loadAppRoutes(async () => ({ listRoutes: () => ['healthz'] }));
    expect(routes).toMatchObject({
      unavailable: expect.stringMatching(/^listRoutes\(\) returned an unexpected shape/),
    });
  });

  it('loads the real package: routes, or a reason', async () => {
    const routes = await loadAppRoutes();
    if (Array.isArray(routes)) expect(routes.length).toBeGreaterThan(0);
    else expect(routes.unavailable).toMatch(/API routes not checked$/);
  });
});
