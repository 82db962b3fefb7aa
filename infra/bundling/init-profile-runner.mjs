// One profiled cold start: a fresh process imports a bundle under V8's sampling
// profiler (started just before the import, stopped just after, so Node's boot and
// the invoke, unless asked for, are left out) and writes the profile to `out`. With `--timed`, the
// bundle was built with module marks (see init-profile.ts) and this also records each
// module's own top-level evaluation. With `--event=<file>` the profile also covers the
// handler's first invoke of that event (what the first request loads and builds).
// Prints {initMs, invokeMs} as JSON. Plain JS, so nothing else loads first.
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';

const [bundle, out, ...flags] = process.argv.slice(2);
const timed = flags.includes('--timed');
const eventFile = flags.find((f) => f.startsWith('--event='))?.slice('--event='.length);
const event = eventFile ? JSON.parse(readFileSync(eventFile, 'utf8')) : undefined;

// Module marks: a stack, because a CommonJS module's body runs inside the `require`
// of the module that needs it; what a nested module takes is subtracted from its parent.
const selfMs = {};
const stack = [];
globalThis.__paperlaneInitMark = (id, end) => {
  const now = performance.now();
  if (!end) {
    stack.push({ id, start: now, children: 0 });
    return;
  }
  const frame = stack.pop();
  if (!frame || frame.id !== id) return;
  const inclusive = now - frame.start;
  selfMs[id] = (selfMs[id] ?? 0) + inclusive - frame.children;
  const parent = stack.at(-1);
  if (parent) parent.children += inclusive;
};

const session = new Session();
session.connect();
if (!timed) {
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
const t0 = performance.now();
const mod = await import(pathToFileURL(bundle).href);
const initMs = performance.now() - t0;
if (event) {
  const context = {
    awsRequestId: 'profile',
    functionName: 'profile',
    getRemainingTimeInMillis: () => 60_000,
  };
  await mod.handler(event, context);
}
const invokeMs = performance.now() - t0 - initMs;
if (timed) writeFileSync(out, JSON.stringify({ initMs, invokeMs, selfMs }));
else writeFileSync(out, JSON.stringify((await session.post('Profiler.stop')).profile));
process.stdout.write(`${JSON.stringify({ initMs, invokeMs })}\n`);
process.exit(0);
