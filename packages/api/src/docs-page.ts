import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';

const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;
const CDN = 'https://cdn.jsdelivr.net/npm/swagger-ui-dist@5';

/** Where swagger-ui-dist is installed, or undefined in a bundle that does not carry it (Lambda). */
function assetsDir(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  } catch {
    return undefined;
  }
}

const page = (base: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Paperlane API</title><link rel="stylesheet" href="${base}/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="${base}/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', persistAuthorization: false });</script>
</body></html>`;

/**
 * `/docs`: Swagger UI over `/openapi.json`, served from the installed package so
 * it works offline; a bundle without the package (Lambda) points at a CDN.
 */
export function docsRoutes() {
  const app = new Hono();
  const dir = assetsDir();
  app.get('/docs', (c) => c.html(page(dir ? '/docs/assets' : CDN)));
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file') as keyof typeof ASSETS;
    // Own keys only: `toString` or `constructor` are `in` every object.
    if (!dir || !Object.hasOwn(ASSETS, file)) return c.notFound();
    const body = await readFile(join(dir, file));
    return c.body(body, 200, { 'content-type': ASSETS[file], 'cache-control': 'public, max-age=86400' });
  });
  return app;
}
