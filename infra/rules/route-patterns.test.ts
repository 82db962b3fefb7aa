import { describe, expect, it } from 'vitest';
import { parseAppRoute, parseGatewayRoute, routesOverlap } from './route-patterns';

const overlap = (gateway: string, method: string, path: string) =>
  routesOverlap(parseGatewayRoute(gateway), parseAppRoute({ method, path }));

describe('route patterns', () => {
  it('match a greedy gateway route to any app route under its prefix, for any method', () => {
    expect(overlap('ANY /api/{proxy+}', 'POST', '/api/jobs/:job_id/retry')).toBe(true);
    expect(overlap('ANY /api/{proxy+}', 'GET', '/api/jobs/{job_id}')).toBe(true);
    // {proxy+} needs at least one segment: /api itself is not under it.
    expect(overlap('ANY /api/{proxy+}', 'GET', '/api')).toBe(false);
    expect(overlap('ANY /api/{proxy+}', 'GET', '/apis/x')).toBe(false);
  });

  it('match literal and parameter segments one to one, and methods exactly unless ANY/ALL', () => {
    expect(overlap('GET /healthz', 'GET', '/healthz')).toBe(true);
    expect(overlap('GET /healthz', 'POST', '/healthz')).toBe(false);
    expect(overlap('GET /healthz', 'ALL', '/healthz')).toBe(true);
    expect(overlap('GET /jobs/{id}', 'GET', '/jobs/:job_id{[a-z0-9]+}')).toBe(true);
    expect(overlap('GET /docs', 'GET', '/docs/assets/:file')).toBe(false);
  });

  it("treat Hono's * and $default as matching anything, an empty rest included", () => {
    expect(overlap('GET /files/{name}', 'GET', '/files/*')).toBe(true);
    expect(overlap('GET /files', 'GET', '/files/*')).toBe(true);
    expect(overlap('$default', 'DELETE', '/anything/at/all')).toBe(true);
  });
});
