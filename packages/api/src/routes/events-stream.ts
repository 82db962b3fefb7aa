import { OpenAPIHono, z } from '@hono/zod-openapi';
import { describeError, idSchema } from '@paperlane/core';
import { streamSSE } from 'hono/streaming';
import type { ApiDeps } from '../deps';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { consoleToken } from '../middleware/authenticate';
import { storeTargetAccess } from '../realtime/access';
import { createRealtimeConnection } from '../realtime/connection';
import { createRealtimeHub } from '../realtime/hub';
import type { ServerMessage, SubscriptionTarget } from '../realtime/protocol';
import { formatEventId, planResume } from '../realtime/resume';
import { authErrors, bearer, jsonError } from './common';

const TOKEN = /^[A-Za-z0-9_.-]{10,8192}$/;

const querySchema = z.union([
  z.strictObject({ session_id: idSchema, token: z.string().optional() }),
  z.strictObject({ job_id: idSchema, token: z.string().optional() }),
]);

export interface EventStreamOptions {
  /** A comment line this often keeps proxies from closing an idle stream (default 15 s). */
  keepAliveMs?: number;
  /** Messages waiting for a slow client before its stream is closed (default 1000). */
  maxQueued?: number;
}

/**
 * `GET /api/events?session_id=…|job_id=…`: job events as Server-Sent Events, for
 * clients that cannot hold a WebSocket. Same tenant check, event shape and fan-out
 * as `/ws` (one shared connection module). Authenticates itself, so it is mounted
 * before the `/api/*` bearer middleware: `Authorization: Bearer` as everywhere, or
 * `?token=` because browsers' EventSource cannot set headers (paths are logged
 * without their query string, but prefer short-lived tokens there).
 *
 * Every frame has an id `<ms>-<n>` (the instant it was sent, its number in the stream).
 * A reconnecting EventSource sends the last one as `Last-Event-ID`; within the resume
 * window the stream continues with what changed since, rebuilt from the records;
 * otherwise it says `resume_failed` and sends a fresh snapshot.
 *
 * @example new EventSource(`/api/events?session_id=${id}&token=${token}`)
 */
export function eventStreamRoutes(
  deps: Pick<ApiDeps, 'store' | 'events' | 'verifyToken' | 'logger' | 'clock'>,
  options: EventStreamOptions = {},
) {
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const maxQueued = options.maxQueued ?? 1000;
  const hub = createRealtimeHub({ events: deps.events, logger: deps.logger });
  const canAccess = storeTargetAccess(deps.store, deps.clock);
  const app = new OpenAPIHono<ApiEnv>();

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/events',
    tags: ['realtime'],
    summary: 'Job events of one upload session or job, as Server-Sent Events',
    security: bearer,
    request: {
      headers: z.object({
        'last-event-id': z.string().optional(),
      }),
      query: z.object({
        session_id: idSchema.optional(),
        job_id: idSchema.optional(),
        token: z.string().optional().openapi({ description: 'The bearer token, for EventSource clients' }),
      }),
    },
    responses: {
      200: { content: { 'text/event-stream': { schema: z.string() } }, description: 'An event stream' },
      400: jsonError('Give exactly one of session_id or job_id'),
      404: jsonError('No such session or job for this tenant'),
      ...authErrors,
    },
  });

  return app.get('/api/events', async (c) => {
    const header = /^Bearer (\S+)$/.exec((c.req.header('authorization') ?? '').trim())?.[1];
    const token = header ?? c.req.query('token') ?? consoleToken(c);
    if (!token || !TOKEN.test(token)) {
      throw new HttpError(401, 'missing_token', 'send Authorization: Bearer <token> or ?token=', undefined, {
        'www-authenticate': 'Bearer',
      });
    }
    const principal = await deps.verifyToken(token);
    c.set('principal', principal);
    const query = querySchema.safeParse(c.req.query());
    if (!query.success)
      throw new HttpError(400, 'invalid_request', 'give exactly one of session_id or job_id');
    const target: SubscriptionTarget =
      'session_id' in query.data
        ? { kind: 'session', id: query.data.session_id }
        : { kind: 'job', id: query.data.job_id };
    if (!(await canAccess(principal.tenantId, target))) {
      throw new HttpError(404, 'not_found', `${target.kind} ${target.id} not found`);
    }
    const lastEventId = c.req.header('last-event-id');
    const resume =
      lastEventId === undefined ? undefined : planResume(lastEventId, deps.clock.now().getTime());

    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (stream) => {
      const queue: ServerMessage[] = [];
      let open = true;
      let wake: (() => void) | undefined;
      const stop = () => {
        open = false;
        wake?.();
      };
      const connection = createRealtimeConnection({
        transport: {
          send(message) {
            if (queue.length >= maxQueued) return stop();
            queue.push(message);
            wake?.();
          },
          close: stop,
        },
        verifyToken: deps.verifyToken,
        canAccess,
        registry: hub,
        principal,
        logger: deps.logger,
      });
      stream.onAbort(stop);
      const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n').catch(stop), keepAliveMs);
      let sent = 0;
      try {
        if (resume && !resume.ok) {
          queue.push({ type: 'resume_failed', message: resume.reason });
        }
        await connection.subscribe(target, resume?.ok ? { resumeFrom: resume.since } : {});
        while (open && !stream.aborted) {
          const message = queue.shift();
          if (message) {
            sent += 1;
            await stream.writeSSE({
              id: formatEventId(deps.clock.now().getTime(), sent),
              event: message.type,
              data: JSON.stringify(message),
            });
            continue;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      } catch (error) {
        // A backing store failing mid-stream: logged here (not Hono's console.error) and told to
        // the client in the protocol's error shape, without internals.
        (c.get('logger') ?? deps.logger).warn('event stream failed', { error: describeError(error) });
        if (!stream.aborted) {
          const message: ServerMessage = {
            type: 'error',
            code: 'internal',
            message: 'the event stream failed; reconnect',
          };
          await stream.writeSSE({ event: 'error', data: JSON.stringify(message) }).catch(() => {});
        }
      } finally {
        clearInterval(keepAlive);
        connection.dispose();
      }
    });
  });
}
