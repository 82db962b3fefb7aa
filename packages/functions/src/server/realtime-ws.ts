import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TokenVerifier } from '@paperlane/api';
import {
  CLOSE_CODES,
  createRealtimeConnection,
  DEFAULT_REALTIME_LIMITS,
  type RealtimeConnection,
  type RealtimeHub,
  type RealtimeLimits,
  type RealtimeTimers,
  type TargetAccess,
} from '@paperlane/api/realtime/index';
import { type Logger, silentLogger } from '@paperlane/core';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';

export type RealtimeDropReason = 'slow_consumer' | 'heartbeat';

export interface RealtimeWsOptions {
  /** The process's hub (one per process, shared with SSE). */
  hub: RealtimeHub;
  verifyToken: TokenVerifier;
  canAccess: TargetAccess;
  /** Default `/ws`. */
  path?: string;
  limits?: Partial<RealtimeLimits>;
  timers?: RealtimeTimers;
  /** Pings this often; a connection that did not answer the previous ping is dropped (default 30 s). */
  heartbeatMs?: number;
  /** A client with more than this many bytes unsent is too slow and is dropped (default 1 MiB). */
  maxBufferedBytes?: number;
  logger?: Logger;
  /** Told when a connection is dropped by the server (metrics, tests). */
  onDrop?: (reason: RealtimeDropReason) => void;
}

export interface RealtimeWsServer {
  /** Open WebSocket connections now. */
  clients(): number;
  /** Terminates every connection and stops taking upgrades; call before closing the HTTP server. */
  close(): Promise<void>;
}

/**
 * Serves the realtime protocol at `/ws` on a Node HTTP server (the API's own port).
 * The token comes in the query (`/ws?token=…`) or as the first message. Events reach
 * the socket through the hub, i.e. from the process's event bus: with Redis, from
 * any process.
 *
 * @example
 * const realtime = attachRealtimeWebSocket(http.server, { hub, verifyToken, canAccess: storeTargetAccess(store) });
 * // on shutdown: await realtime.close(); await http.close();
 */
export function attachRealtimeWebSocket(server: Server, options: RealtimeWsOptions): RealtimeWsServer {
  const path = options.path ?? '/ws';
  const limits = { ...DEFAULT_REALTIME_LIMITS, ...options.limits };
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const logger = options.logger ?? silentLogger;
  // ws refuses larger frames itself (close 1009) before buffering them whole.
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  const alive = new WeakMap<WebSocket, boolean>();
  const connections = new WeakMap<WebSocket, RealtimeConnection>();

  const drop = (ws: WebSocket, reason: RealtimeDropReason) => {
    logger.info('realtime connection dropped', { reason });
    // Leave the hub now: the socket's close event comes later, and nothing more may be queued.
    connections.get(ws)?.dispose();
    ws.terminate();
    options.onDrop?.(reason);
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, url.searchParams.get('token')));
  };
  server.on('upgrade', onUpgrade);

  function accept(ws: WebSocket, token: string | null) {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('error', () => ws.terminate());
    const connection = createRealtimeConnection({
      transport: {
        send(message) {
          if (ws.readyState !== ws.OPEN) return;
          if (ws.bufferedAmount > maxBufferedBytes) return drop(ws, 'slow_consumer');
          ws.send(JSON.stringify(message));
        },
        close: (code, reason) => ws.close(code, reason),
      },
      verifyToken: options.verifyToken,
      canAccess: options.canAccess,
      registry: options.hub,
      limits,
      logger,
      ...(options.timers ? { timers: options.timers } : {}),
    });
    connections.set(ws, connection);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data);
      void connection.receive(bytes, isBinary);
    });
    ws.on('close', () => connection.dispose());
    if (token !== null) void connection.authenticate(token);
  }

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        drop(ws, 'heartbeat');
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  return {
    clients: () => wss.clients.size,
    async close() {
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.close(CLOSE_CODES.goingAway, 'server shutting down');
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
