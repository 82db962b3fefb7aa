/**
 * npm run bench:hostile — what hostile bodies cost the API. The server (`startLocal`,
 * embedded, a temp DATA_DIR) runs in a child process so its memory is measured
 * alone; this process streams a 300 MB multipart upload, 100 MB of JSON and a
 * 1,000-deep event payload at it (generated as sent), one at a time and then all at
 * once, while it times /healthz back to back. Peer: /healthz on the idle server.
 * Done when the server's RSS grows by at most 64 MB during the upload and /healthz
 * answers within 1 s throughout.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@paperlane/core';
import { startLocal } from '../src/local/start-local';
import {
  deepEventBody,
  outcome,
  sendStreamed,
  streamedJson,
  streamedUpload,
} from '../test/support/hostile-bodies';

const MiB = 1024 * 1024;
const RSS_BUDGET = 64 * MiB;
const HEALTH_BUDGET_MS = 1000;

type ServerMessage =
  | { type: 'ready'; url: string; token: string }
  | { type: 'memory'; rss: number; peak: number };

/** In the child: serve, sample RSS every 5 ms, answer memory reports over IPC. */
async function serve(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'paperlane-bench-hostile-'));
  const local = await startLocal({
    env: {
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'error',
      RATE_LIMIT_PER_MINUTE: '1000000',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    },
    queues: [],
    sweeper: false,
    logger: silentLogger,
  });
  let peak = process.memoryUsage.rss();
  setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5).unref();
  const send = (message: ServerMessage) => process.send?.(message);
  process.on('message', async (message: { type: 'reset' | 'report' | 'stop' }) => {
    const rss = process.memoryUsage.rss();
    if (message.type === 'reset') peak = rss;
    if (message.type === 'stop') {
      await local.close();
      await rm(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
    send({ type: 'memory', rss, peak: Math.max(peak, rss) });
  });
  send({ type: 'ready', url: local.url ?? '', token: await local.token('bench') });
}

function nextMessage(child: ChildProcess): Promise<ServerMessage> {
  return new Promise((resolve) => child.once('message', (message) => resolve(message as ServerMessage)));
}

async function memory(child: ChildProcess, type: 'reset' | 'report') {
  const reply = nextMessage(child);
  child.send({ type });
  const message = await reply;
  if (message.type !== 'memory') throw new Error('unexpected reply from the server process');
  return message;
}

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? Number.NaN;
const mb = (bytes: number) => `${(bytes / MiB).toFixed(1)} MB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** /healthz back to back until `done` settles; latencies in ms. */
async function healthWhile(url: string, done: Promise<unknown>): Promise<number[]> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  const latencies: number[] = [];
  do {
    const started = performance.now();
    const response = await fetch(`${url}/healthz`);
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`/healthz answered ${response.status}`);
  } while (!finished);
  return latencies;
}

async function main(): Promise<void> {
  const child = fork(process.argv[1] ?? '', ['--server'], {
    stdio: 'inherit',
    execArgv: [...process.execArgv],
  });
  const ready = await nextMessage(child);
  if (ready.type !== 'ready') throw new Error('the server process did not start');
  const { url, token } = ready;
  const headers = { authorization: `Bearer ${token}` };
  const post = (path: string, body: string) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    });
  // The tester's setup: a subscription that matches the deep event.
  const hook = await post('/api/webhooks', JSON.stringify({ url: 'http://127.0.0.1:9/hook', events: ['*'] }));
  if (hook.status !== 201) throw new Error(`webhook registration answered ${hook.status}`);

  const scenarios = {
    'upload 300 MB (multipart, streamed)': () => {
      const body = streamedUpload(300 * MiB);
      return { body, response: sendStreamed(`${url}/api/upload`, body, headers) };
    },
    'JSON 100 MB (streamed)': () => {
      const body = streamedJson(100 * MiB);
      return { body, response: sendStreamed(`${url}/api/uploads`, body, headers) };
    },
    'event payload 1,000 deep (6 KB)': () => ({
      body: undefined,
      response: post('/api/events', deepEventBody(1000)),
    }),
  };

  const rows: string[][] = [];
  const failures: string[] = [];
  const idle = await healthWhile(url, new Promise((resolve) => setTimeout(resolve, 2000)));
  rows.push([
    'idle (peer)',
    '-',
    '-',
    '-',
    '-',
    '-',
    ms(percentile(idle, 0.5)),
    ms(Math.max(...idle)),
    String(idle.length),
  ]);

  const run = async (
    name: string,
    starts: Array<() => { body?: { produced(): number }; response: Promise<Response> }>,
  ) => {
    await memory(child, 'reset');
    const before = (await memory(child, 'report')).rss;
    const started = starts.map((start) => start());
    const answers = Promise.all(started.map(async (s) => outcome(await s.response)));
    const health = await healthWhile(url, answers);
    const results = await answers;
    const { peak } = await memory(child, 'report');
    const after = (await memory(child, 'report')).rss;
    const sent = started.reduce((sum, s) => sum + (s.body?.produced() ?? 0), 0);
    const codes = results.map((r) => `${r.status} ${r.code ?? ''}`.trim()).join(', ');
    rows.push([
      name,
      codes,
      mb(sent),
      mb(before),
      mb(peak),
      mb(after),
      ms(percentile(health, 0.5)),
      ms(Math.max(...health)),
      String(health.length),
    ]);
    return { results, growth: peak - before, healthMax: Math.max(...health) };
  };

  const expected: Record<string, string> = {
    'upload 300 MB (multipart, streamed)': '413 file_too_large',
    'JSON 100 MB (streamed)': '413 payload_too_large',
    'event payload 1,000 deep (6 KB)': '400 json_too_deep',
  };
  let uploadGrowth = 0;
  let worstHealth = Math.max(...idle);
  for (const [name, start] of Object.entries(scenarios)) {
    const { results, growth, healthMax } = await run(name, [start]);
    const got = `${results[0]?.status} ${results[0]?.code}`;
    if (got !== expected[name]) failures.push(`${name}: got ${got}, expected ${expected[name]}`);
    if (name.startsWith('upload')) uploadGrowth = growth;
    worstHealth = Math.max(worstHealth, healthMax);
  }
  const together = await run('all three at once', Object.values(scenarios));
  worstHealth = Math.max(worstHealth, together.healthMax);
  uploadGrowth = Math.max(uploadGrowth, together.growth);

  const header = [
    'scenario',
    'status code',
    'sent',
    'RSS before',
    'RSS peak',
    'RSS after',
    'healthz p50',
    'healthz max',
    'n',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log('\nbench:hostile — server in a child process (embedded), RSS sampled every 5 ms there\n');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log(
    `\nupload RSS growth ${mb(uploadGrowth)} (budget ${mb(RSS_BUDGET)}): ${uploadGrowth <= RSS_BUDGET ? 'ok' : 'OVER'}`,
  );
  console.log(
    `/healthz worst ${ms(worstHealth)} (budget ${HEALTH_BUDGET_MS} ms): ${worstHealth <= HEALTH_BUDGET_MS ? 'ok' : 'OVER'}`,
  );
  child.send({ type: 'stop' });
  await new Promise((resolve) => child.once('exit', resolve));
  if (uploadGrowth > RSS_BUDGET) failures.push(`upload RSS growth ${mb(uploadGrowth)} over budget`);
  if (failures.length > 0) {
    console.error(failures.join('\n'));
    process.exitCode = 1;
  }
}

if (process.argv.includes('--server')) await serve();
else await main();
