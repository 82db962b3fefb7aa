import { type ClientOptions, WebSocket } from 'ws';

/** A message of the realtime protocol as a client receives it. */
export type RealtimeMessage = Record<string, unknown> & { type: string };

const TERMINAL_EVENTS: Record<string, string> = {
  'job:complete': 'complete',
  'job:failed': 'failed',
  'job:cancelled': 'cancelled',
};

/** The job status a terminal event announces (`job:complete` → `complete`), else undefined. */
export function terminalStatusOf(message: RealtimeMessage): string | undefined {
  return TERMINAL_EVENTS[message.type];
}

/**
 * A real `ws` client that queues what it receives, so tests await messages rather
 * than sleep. Resolves once the socket is open; rejects when the upgrade is refused.
 *
 * @example
 * const client = await openRealtimeClient(`${wsUrl}?token=${token}`);
 * client.send({ action: 'subscribe', session_id });
 * await client.next(); // { type: 'subscribed', session_id }
 */
export async function openRealtimeClient(url: string, options: ClientOptions = {}) {
  const ws = new WebSocket(url, options);
  const inbox: RealtimeMessage[] = [];
  const waiting: Array<(message: RealtimeMessage) => void> = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as RealtimeMessage;
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)),
    );
  });
  const next = () =>
    new Promise<RealtimeMessage>((resolve) => {
      const queued = inbox.shift();
      if (queued) resolve(queued);
      else waiting.push(resolve);
    });
  return {
    ws,
    closed,
    next,
    send: (message: unknown) => ws.send(JSON.stringify(message)),
    /**
     * Reads messages until `done` holds for everything read so far (checked after
     * each message, and once before the first); returns what was read.
     */
    async readUntil(done: (seen: readonly RealtimeMessage[]) => boolean | Promise<boolean>) {
      const seen: RealtimeMessage[] = [];
      while (!(await done(seen))) seen.push(await next());
      return seen;
    },
    close: () => ws.terminate(),
  };
}

export type RealtimeClient = Awaited<ReturnType<typeof openRealtimeClient>>;
