import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import type { BullmqQueue } from '@paperlane/runtime';
import type { Hono } from 'hono';

/** Where Bull Board is mounted; the routes in `routes/admin-board.ts` guard it. */
export const ADMIN_BOARD_PATH = '/admin/board';

/**
 * Bull Board over the given BullMQ queues, read-only: retrying or removing a job
 * there would bypass its job record (a retried job whose record is still `failed`
 * is acknowledged unrun), so redrive goes through `POST /admin/queues/{name}/redrive`.
 * `serveStatic` comes from the entry point (`@hono/node-server/serve-static` locally),
 * so the API package does not tie itself to one runtime.
 *
 * @example deps.adminBoard = createAdminBoard(queues, serveStatic)
 */
export function createAdminBoard(
  queues: readonly BullmqQueue[],
  serveStatic: ConstructorParameters<typeof HonoAdapter>[0],
): Hono {
  const adapter = new HonoAdapter(serveStatic).setBasePath(ADMIN_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    // @bull-board/hono 9.10.1 types against its own nested @bull-board/api 9.10.1; at run time the
    // adapter needs only hono and ejs, so the two copies' adapter types are the same shape.
    serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Paperlane queues' } },
  });
  return adapter.registerPlugin();
}
