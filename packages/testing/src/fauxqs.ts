import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { buildApp, type FauxqsServer as FauxqsInstance } from 'fauxqs';
import { freePort } from './free-port';
import { type StartedProcess, startProcess } from './process';

/** The parts of a Fastify request and reply the hooks below read. */
interface HookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}
interface HookReply {
  raw: ServerResponse;
}

/** What tests may look at inside the emulator: its message spy and its queues, read without consuming. */
export interface FauxqsInspection {
  readonly spy: FauxqsInstance['spy'];
  inspectQueue: FauxqsInstance['inspectQueue'];
}

export interface FauxqsServer {
  /** One endpoint for SQS and S3 (path-style). */
  endpoint: string;
  /** The emulator itself, for non-destructive queue inspection in tests. */
  server: FauxqsInspection;
  /**
   * Emits `receiving` ({ queueUrl, waitSeconds }) as a ReceiveMessage reaches the
   * emulator, `abandoned` ({ queueUrl }) when a client goes away while its long poll
   * waits, and `released` ({ queueUrl, count }) when messages the emulator then handed
   * to that dead poll were made visible again.
   */
  receives: EventEmitter;
  stop(): Promise<void>;
}

// fauxqs 1.9.2 (pinned) exports buildApp but not the stores it takes; they sit beside
// its entry module. Built here rather than through startFauxqs so a hook can be added
// before the server listens.
interface SqsStoreLike {
  spy?: unknown;
  host?: string;
  inspectQueue: FauxqsInstance['inspectQueue'];
}
type Stores = NonNullable<NonNullable<Parameters<typeof buildApp>[0]>['stores']>;

async function fauxqsInternals() {
  const beside = (path: string) => import(new URL(path, import.meta.resolve('fauxqs')).href);
  const [sqs, sns, s3, spy] = await Promise.all([
    beside('./sqs/sqsStore.js'),
    beside('./sns/snsStore.js'),
    beside('./s3/s3Store.js'),
    beside('./spy.js'),
  ]);
  return {
    SqsStore: sqs.SqsStore as new () => SqsStoreLike & Stores['sqsStore'],
    SnsStore: sns.SnsStore as new () => Stores['snsStore'] & { spy?: unknown },
    S3Store: s3.S3Store as new () => Stores['s3Store'] & { spy?: unknown },
    MessageSpy: spy.MessageSpy as new (params?: {
      bufferSize: number;
    }) => NonNullable<Stores['sqsStore']['spy']>,
  };
}

const RECEIVE = 'AmazonSQS.ReceiveMessage';

function queueUrlOf(body: unknown): string | undefined {
  const url = (body as { QueueUrl?: unknown } | null | undefined)?.QueueUrl;
  return typeof url === 'string' ? url : undefined;
}

function receiptHandles(payload: unknown): string[] {
  if (typeof payload !== 'string') return [];
  try {
    const parsed = JSON.parse(payload) as { Messages?: { ReceiptHandle?: unknown }[] };
    return (parsed.Messages ?? []).flatMap((m) =>
      typeof m.ReceiptHandle === 'string' ? [m.ReceiptHandle] : [],
    );
  } catch {
    return [];
  }
}

/**
 * An in-process SQS + S3 emulator on a free loopback port. State is in memory only.
 * `spyBufferSize` turns on its message spy, so tests can await deliveries and deletes.
 *
 * One departure from SQS, on purpose: a long poll whose client has gone (a consumer
 * process killed mid-wait) still takes the next messages, in SQS as in fauxqs, and
 * they stay hidden for the whole visibility timeout (60 s locally) although nobody
 * holds them. Here they are made visible again at once, so a consumer restarted after
 * a crash picks up what arrived meanwhile. Messages a live client received and then
 * dropped by dying are not touched: those come back after their visibility, as on AWS.
 */
export async function startFauxqs(
  options: { port?: number; spyBufferSize?: number } = {},
): Promise<FauxqsServer> {
  const { SqsStore, SnsStore, S3Store, MessageSpy } = await fauxqsInternals();
  const sqsStore = new SqsStore();
  const snsStore = new SnsStore();
  const s3Store = new S3Store();
  const spy = options.spyBufferSize ? new MessageSpy({ bufferSize: options.spyBufferSize }) : undefined;
  if (spy) {
    sqsStore.spy = spy;
    snsStore.spy = spy;
    s3Store.spy = spy;
  }
  const app = buildApp({ logger: false, host: 'localhost', stores: { sqsStore, snsStore, s3Store } });
  const receives = new EventEmitter();
  const abandoned = new WeakSet<object>();

  app.addHook('preHandler', async (request: HookRequest, reply: HookReply) => {
    if (request.headers['x-amz-target'] !== RECEIVE) return;
    const wait = (request.body as { WaitTimeSeconds?: unknown } | null | undefined)?.WaitTimeSeconds;
    receives.emit('receiving', {
      queueUrl: queueUrlOf(request.body),
      waitSeconds: typeof wait === 'number' ? wait : 0,
    });
    // The response's connection closing before the answer was written: the client is gone.
    reply.raw.once('close', () => {
      if (reply.raw.writableFinished) return;
      abandoned.add(request);
      receives.emit('abandoned', { queueUrl: queueUrlOf(request.body) });
    });
  });
  app.addHook('onSend', async (request: HookRequest, _reply: HookReply, payload: unknown) => {
    if (!abandoned.has(request)) return payload;
    const handles = receiptHandles(payload);
    const queueUrl = queueUrlOf(request.body);
    if (handles.length === 0 || queueUrl === undefined) return payload;
    // Through the emulator's own API, so nothing here depends on how it keeps messages.
    const released = await app.inject({
      method: 'POST',
      url: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSQS.ChangeMessageVisibilityBatch',
      },
      payload: JSON.stringify({
        QueueUrl: queueUrl,
        Entries: handles.map((handle, i) => ({ Id: String(i), ReceiptHandle: handle, VisibilityTimeout: 0 })),
      }),
    });
    // An error answer (the queue deleted meanwhile) released nothing; otherwise all but `Failed`.
    const failed =
      released.statusCode === 200
        ? ((JSON.parse(released.body) as { Failed?: unknown[] }).Failed?.length ?? 0)
        : handles.length;
    receives.emit('released', { queueUrl, count: handles.length - failed });
    return payload;
  });

  const port = options.port ?? 0;
  // Loopback only: the emulator answers anyone, and it holds the tenants' files.
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    server: {
      get spy() {
        if (!spy) throw new Error('the emulator was started without spyBufferSize');
        return spy;
      },
      inspectQueue: (name) => sqsStore.inspectQueue(name),
    },
    receives,
    stop: () => app.close(),
  };
}

export interface ReceiveEvent {
  queueUrl?: string;
  /** `receiving`: the long-poll wait asked for. */
  waitSeconds?: number;
  /** `released`: messages made visible again. */
  count?: number;
}

/** Resolves with the next `event` the emulator reports on `receives` that `matches`. */
export function nextReceiveEvent(
  faux: Pick<FauxqsServer, 'receives'>,
  event: 'receiving' | 'abandoned' | 'released',
  matches: (detail: ReceiveEvent) => boolean = () => true,
): Promise<ReceiveEvent> {
  return new Promise((resolve) => {
    const listener = (detail: ReceiveEvent) => {
      if (!matches(detail)) return;
      faux.receives.off(event, listener);
      resolve(detail);
    };
    faux.receives.on(event, listener);
  });
}

/**
 * fauxqs in its own process (its CLI), so a test can kill it and start it again on
 * the same port: its queues start empty then, as after a real emulator restart.
 */
export async function startFauxqsProcess(
  options: { port?: number } = {},
): Promise<{ endpoint: string; port: number; process: StartedProcess; stop(): Promise<void> }> {
  // The CLI is not an export of the package; it sits beside its entry module.
  const cli = fileURLToPath(new URL('./cli.js', import.meta.resolve('fauxqs')));
  const port = options.port ?? (await freePort());
  const server = await startProcess(process.execPath, [cli], {
    ready: /listening/i,
    env: { ...process.env, FAUXQS_PORT: String(port) },
  });
  return { endpoint: `http://127.0.0.1:${port}`, port, process: server, stop: () => server.stop('SIGTERM') };
}
