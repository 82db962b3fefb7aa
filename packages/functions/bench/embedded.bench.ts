/**
 * npm run bench:embedded — uploads/s end to end (record → thumbnails + OCR complete, as
 * a client sees it over the WebSocket) on `npm start` as it runs now (a supervisor over
 * emulators, API, documents and integrations processes) beside the single-process wiring
 * (`npm start -- --single-process`, i.e. `startLocal`), same machine, same run, rounds
 * alternating. Real invoice fixtures from @paperlane/testing. CPU is read from /proc for each
 * side's process tree (per child on the supervised side) over the measured window.
 * BENCH_UPLOADS (per round), BENCH_ROUNDS tune it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ProcessStatus } from '../src/supervisor/messages';
import { supervisedEnv, uploadAndFollow } from '../test/support/supervised';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
// PDFs with a text layer (pdf.js: text, then page renders) and a photographed receipt (tesseract OCR).
const FILES = ['en-us-classic.pdf', 'de-letter.pdf', 'en-ie-receipt.jpg', 'es-classic.pdf'];
const DEV = fileURLToPath(new URL('../src/bin/dev.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const TICKS_PER_SECOND = 100; // Linux USER_HZ

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** CPU seconds (user + system) of every live process under `root`, by pid. */
function treeCpu(root: number): Map<number, number> {
  const stats = new Map<number, { ppid: number; cpu: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      stats.set(Number(entry), { ppid: Number(fields[1]), cpu });
    } catch {
      // exited meanwhile
    }
  }
  const tree = new Map<number, number>();
  const visit = (pid: number) => {
    const stat = stats.get(pid);
    if (!stat) return;
    tree.set(pid, stat.cpu);
    for (const [child, s] of stats) if (s.ppid === pid) visit(child);
  };
  visit(root);
  return tree;
}

interface Side {
  name: string;
  child: ChildProcess;
  url: string;
  token: string;
  /** pid → what it is, for the CPU breakdown. */
  labels: Map<number, string>;
  dataDir: string;
}

async function startSide(name: string, args: string[]): Promise<Side> {
  const dataDir = await mkdtemp(join(tmpdir(), 'paperlane-bench-embedded-'));
  const child = spawn(process.execPath, ['--import', TSX, DEV, ...args], {
    env: supervisedEnv(dataDir, { RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'error' }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Paperlane is running at (\S+)/.exec(output)?.[1];
      const token = /Dev token[^\n]*\n\s+(\S+)/.exec(output)?.[1];
      if (url && token) resolve({ url, token });
    });
    child.once('exit', (code) =>
      reject(new Error(`${name} exited (${code}) before it was ready:\n${output}`)),
    );
  });
  const labels = new Map<number, string>([[child.pid ?? 0, args.length ? 'process' : 'supervisor']]);
  if (args.length === 0) {
    const view = (await (await fetch(`${url}/healthz/processes`)).json()) as { processes: ProcessStatus[] };
    for (const p of view.processes) if (p.pid) labels.set(p.pid, p.role);
  }
  return { name, child, url, token, labels, dataDir };
}

async function stopSide(side: Side) {
  const exited = new Promise((resolve) => side.child.once('exit', resolve));
  side.child.kill('SIGTERM');
  await exited;
  await rm(side.dataDir, { recursive: true, force: true });
}

interface Round {
  uploadsPerSecond: number;
  p50LatencyS: number;
  /** Cores busy on average over the window, by label. */
  cores: Map<string, number>;
}

async function round(side: Side, uploads: number): Promise<Round> {
  const before = treeCpu(side.child.pid ?? 0);
  const started = performance.now();
  const latencies = await Promise.all(
    Array.from({ length: uploads }, async (_, i) => {
      const t = performance.now();
      const { terminal } = await uploadAndFollow(side.url, side.token, FILES[i % FILES.length]);
      const failed = terminal.filter((e) => e.type !== 'job:complete');
      if (failed.length > 0) throw new Error(`${side.name}: ${JSON.stringify(failed)}`);
      return (performance.now() - t) / 1000;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = treeCpu(side.child.pid ?? 0);
  const cores = new Map<string, number>();
  for (const [pid, cpu] of after) {
    const label = side.labels.get(pid) ?? 'other';
    cores.set(label, (cores.get(label) ?? 0) + (cpu - (before.get(pid) ?? 0)) / seconds);
  }
  return { uploadsPerSecond: uploads / seconds, p50LatencyS: median(latencies), cores };
}

const single = await startSide('single process (startLocal)', ['--single-process']);
const multi = await startSide('supervised processes (npm start)', []);
const sides = [single, multi];
try {
  // Warm-up: tesseract workers, language data, pdf.js and sharp load on first use.
  for (const side of sides) await round(side, 2);
  const results = new Map<Side, Round[]>(sides.map((s) => [s, []]));
  for (let r = 1; r <= ROUNDS; r++) {
    for (const side of r % 2 ? sides : [...sides].reverse())
      results.get(side)?.push(await round(side, UPLOADS));
    console.error(`round ${r}/${ROUNDS} done`);
  }
  const summary = (side: Side) => {
    const rounds = results.get(side) ?? [];
    const rate = median(rounds.map((x) => x.uploadsPerSecond));
    const best = [...rounds].sort(
      (a, b) => Math.abs(a.uploadsPerSecond - rate) - Math.abs(b.uploadsPerSecond - rate),
    )[0];
    return { rate, best };
  };
  const fmtCores = (cores: Map<string, number>) => {
    const total = [...cores.values()].reduce((a, b) => a + b, 0);
    const parts = [...cores].filter(([, c]) => c >= 0.005).map(([label, c]) => `${label} ${c.toFixed(2)}`);
    return `${total.toFixed(2)} cores${cores.size > 1 ? ` (${parts.join(', ')})` : ''}`;
  };
  console.log(
    `\nbench:embedded — ${UPLOADS} invoice uploads per round at once (thumbnail + OCR each), median of ${ROUNDS} rounds; ` +
      `${cpus().length} cores, load avg ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} at the end`,
  );
  for (const side of sides) {
    const { rate, best } = summary(side);
    console.log(
      `  ${side.name.padEnd(34)} ${rate.toFixed(2).padStart(6)} uploads/s  p50 ${best?.p50LatencyS.toFixed(1)} s  CPU ${best ? fmtCores(best.cores) : '-'}`,
    );
  }
  const ratio = summary(multi).rate / summary(single).rate;
  console.log(`  ratio supervised / single process   ${ratio.toFixed(2)}×  (target ≥ 1.3×)`);
} finally {
  for (const side of sides) await stopSide(side);
}
