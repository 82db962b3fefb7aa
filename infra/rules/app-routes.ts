import { z } from 'zod';
import type { AppRoute } from './types';

const routeList = z.array(
  z.union([
    z.object({ method: z.string().min(1), path: z.string().startsWith('/') }),
    z
      .string()
      .regex(/^[A-Za-z]+ \/\S*$/, 'must look like "GET /api/jobs/:job_id"')
      .transform((s) => {
        const [method, path] = s.split(' ') as [string, string];
        return { method, path };
      }),
  ]),
);

/**
 * The routes the Hono app serves, from `listRoutes()` in `@paperlane/api`; or why
 * they are unavailable (the package does not export it yet, or fails to load), in
 * which case the route rule is skipped with that message.
 */
export async function loadAppRoutes(
  load: () => Promise<Record<string, unknown>> = () => import('@paperlane/api'),
): Promise<AppRoute[] | { unavailable: string }> {
  let api: Record<string, unknown>;
  try {
    api = await load();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { unavailable: `@paperlane/api failed to load (${reason}); API routes not checked` };
  }
  if (typeof api.listRoutes !== 'function') {
    return { unavailable: '@paperlane/api does not export listRoutes() yet; API routes not checked' };
  }
  const parsed = routeList.safeParse(await (api.listRoutes as () => unknown)());
  if (!parsed.success) {
    return {
      unavailable: `listRoutes() returned an unexpected shape (${parsed.error.issues[0]?.message}); API routes not checked`,
    };
  }
  return parsed.data;
}
