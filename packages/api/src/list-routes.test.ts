import { describe, expect, it } from 'vitest';
import { listRoutes } from './list-routes';

describe('listRoutes', () => {
  it('lists the served routes without real dependencies, middleware excluded', () => {
    const routes = listRoutes().map((r) => `${r.method} ${r.path}`);
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /healthz',
        'GET /openapi.json',
        'POST /api/upload',
        'POST /api/uploads',
        'GET /api/jobs/:job_id',
        'POST /api/jobs/bulk',
        'GET /api/upload-sessions/:session_id',
        'GET /api/documents/:document_id/thumbnails/:width',
      ]),
    );
    expect(routes.some((r) => r.startsWith('ALL '))).toBe(false);
    expect(new Set(routes).size).toBe(routes.length);
  });
});
