type Segment = { kind: 'literal'; value: string } | { kind: 'param' } | { kind: 'greedy'; min: number };

export interface RoutePattern {
  method: string;
  segments: Segment[];
  text: string;
}

const ANY_METHOD = new Set(['ANY', 'ALL', '*']);

function segment(part: string): Segment {
  if (part === '*') return { kind: 'greedy', min: 0 };
  if (/^\{[^}]+\+\}$/.test(part)) return { kind: 'greedy', min: 1 };
  if (part.startsWith(':') || /^\{[^}]+\}$/.test(part)) return { kind: 'param' };
  return { kind: 'literal', value: part };
}

function parsePath(path: string): Segment[] {
  return path.split('/').filter(Boolean).map(segment);
}

/**
 * An API Gateway route key: `GET /healthz`, `ANY /api/{proxy+}`, `$default`.
 *
 * @example parseGatewayRoute('ANY /api/{proxy+}')
 */
export function parseGatewayRoute(key: string): RoutePattern {
  if (key === '$default') return { method: 'ANY', segments: [{ kind: 'greedy', min: 0 }], text: key };
  const [method = '', path = ''] = key.trim().split(/\s+/);
  return { method: method.toUpperCase(), segments: parsePath(path), text: key };
}

/** A Hono route (`/api/jobs/:job_id`, `/files/*`) or an OpenAPI path (`/api/jobs/{job_id}`). */
export function parseAppRoute(route: { method: string; path: string }): RoutePattern {
  // Hono's `:id{[0-9]+}` constraint and `:id?` optional mark do not change which segment matches.
  const path = route.path.replace(/:(\w+)\{[^}]*\}/g, ':$1').replace(/(:\w+)\?/g, '$1');
  return {
    method: route.method.toUpperCase(),
    segments: parsePath(path),
    text: `${route.method.toUpperCase()} ${route.path}`,
  };
}

function maxLength(segments: Segment[]): number {
  return segments.some((s) => s.kind === 'greedy') ? Number.POSITIVE_INFINITY : segments.length;
}

function pathsOverlap(a: Segment[], b: Segment[]): boolean {
  const [x, ...restA] = a;
  const [y, ...restB] = b;
  if (!x && !y) return true;
  if (x?.kind === 'greedy') return maxLength(b) >= x.min;
  if (y?.kind === 'greedy') return maxLength(a) >= y.min;
  if (!x || !y) return false;
  if (x.kind === 'literal' && y.kind === 'literal' && x.value !== y.value) return false;
  return pathsOverlap(restA, restB);
}

/** Whether some request matches both patterns (the gateway would pass it to a route the app serves). */
export function routesOverlap(a: RoutePattern, b: RoutePattern): boolean {
  const methods = ANY_METHOD.has(a.method) || ANY_METHOD.has(b.method) || a.method === b.method;
  return methods && pathsOverlap(a.segments, b.segments);
}
