import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

/** A V8 CPU profile as `Profiler.stop` returns it (the fields read here). */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** One part of a delivery: a sample is its when a frame on the stack is from one of these sources. */
export interface ProfilePart {
  name: string;
  /** Tested against each frame's source path (the original file inside a bundle) and function name. */
  match: (frame: { source: string; functionName: string }) => boolean;
}

/**
 * Runs `work` under V8's sampling profiler (this process only) and says how much of its CPU
 * each part took: a sample goes to the part matching the deepest frame on its stack, so a
 * store call's SDK work counts for the store call and the HMAC inside signing for signing.
 * Samples with no matching frame go to `(gc)`, `(program)` (V8 and native work outside
 * JavaScript) or `(node internals)` (socket reads and HTTP parsing, which run from the event
 * loop with no caller of ours on the stack); `(idle)` is waiting and not counted. The shares
 * are scaled to the CPU the process used meanwhile (`process.cpuUsage`), so a loaded machine
 * inflates them less than wall time would.
 *
 * @example
 * const { result, cpuUs, parts } = await profileParts([{ name: 'sign', match: (f) => f.source.endsWith('signature.ts') }], run);
 */
export async function profileParts<T>(
  parts: readonly ProfilePart[],
  work: () => Promise<T>,
  options: { intervalUs?: number; saveTo?: string } = {},
): Promise<{ result: T; cpuUs: number; parts: Map<string, number> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.setSamplingInterval', { interval: options.intervalUs ?? 100 });
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const cpuStart = process.cpuUsage();
  let result: T;
  let used: NodeJS.CpuUsage;
  let profile: CpuProfile;
  try {
    result = await work();
  } finally {
    // Read before stopping: serializing the profile is the profiler's work, not the measured one's.
    used = process.cpuUsage(cpuStart);
    const stopped = await session.post('Profiler.stop');
    profile = stopped.profile as unknown as CpuProfile;
    session.disconnect();
  }
  const cpuUs = used.user + used.system;
  if (options.saveTo) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(options.saveTo, JSON.stringify(profile));
  }
  return { result, cpuUs, parts: attribute(profile, parts, cpuUs) };
}

/** µs of CPU per part: each part's share of the busy samples, times the CPU used. */
function attribute(profile: CpuProfile, parts: readonly ProfilePart[], cpuUs: number): Map<string, number> {
  const sourceOf = bundleSources();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Each node's part, found once: its own frame's, else its caller's.
  const partOf = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = partOf.get(id);
    if (known !== undefined) return known;
    const { callFrame } = byId.get(id)!;
    const source = sourceOf(callFrame.url, callFrame.lineNumber);
    const own = parts.find((part) => part.match({ source, functionName: callFrame.functionName }))?.name;
    const up = parent.get(id);
    const part =
      own ??
      // The profiler's own stop, and waiting, are not the measured work.
      (callFrame.url === 'node:inspector' || callFrame.functionName === '(idle)'
        ? '(idle)'
        : callFrame.functionName === '(garbage collector)'
          ? '(gc)'
          : callFrame.functionName === '(program)'
            ? '(program)'
            : up === undefined
              ? '(node internals)'
              : resolve(up));
    partOf.set(id, part);
    return part;
  };
  const time = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const part = resolve(id);
    time.set(part, (time.get(part) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  time.delete('(idle)');
  const busy = [...time.values()].reduce((sum, t) => sum + t, 0) || 1;
  return new Map([...time].map(([part, t]) => [part, (t / busy) * cpuUs]));
}

/**
 * Maps a frame to its original source file. The benchmarks run as one esbuild bundle
 * (`scripts/run-bundled.mjs`), which marks where each module starts with a `// <path>` line;
 * npm packages and node's own modules keep their own URLs.
 */
function bundleSources(): (url: string, line: number) => string {
  const self = import.meta.url;
  if (!self.endsWith('.mjs')) return (url) => url;
  const starts: { line: number; source: string }[] = [];
  readFileSync(fileURLToPath(self), 'utf8')
    .split('\n')
    .forEach((text, line) => {
      const marker = /^\/\/ (packages\/\S+\.ts)$/.exec(text);
      if (marker?.[1]) starts.push({ line, source: marker[1] });
    });
  return (url, line) => {
    if (url !== self) return url;
    let found = url;
    for (const start of starts) {
      if (start.line > line) break;
      found = start.source;
    }
    return found;
  };
}
