import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const SUBJECT = fileURLToPath(new URL('./support/signal-subject.ts', import.meta.url));

type Subject = ChildProcessByStdio<Writable, Readable, null>;
const started = new Set<Subject>();
afterEach(() => {
  for (const child of started) child.kill('SIGKILL');
  started.clear();
});

function subject() {
  const child = spawn(process.execPath, ['--import', TSX, SUBJECT], { stdio: ['pipe', 'pipe', 'ignore'] });
  started.add(child);
  let output = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exit,
    lines: () => output.split('\n').filter(Boolean),
    /** Resolves once the process has printed `line`. */
    async printed(line: string): Promise<void> {
      while (!output.split('\n').includes(line)) await new Promise<void>((wake) => waiters.push(wake));
    },
    /** Lets the pending start or close go on. */
    proceed: () => child.stdin.write('go\n'),
  };
}

/** A subject that started, was sent SIGTERM, and is now closing. */
async function closingAfterSigterm() {
  const run = subject();
  await run.printed('starting');
  run.proceed();
  await run.printed('started');
  run.child.kill('SIGTERM');
  await run.printed('closing');
  return run;
}

describe('runUntilSignal', () => {
  it('a SIGTERM while it is still starting closes it gracefully once started, and exits 0', async () => {
    const run = subject();
    await run.printed('starting');
    run.child.kill('SIGTERM');
    run.proceed();
    await run.printed('closing');
    run.proceed();
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.lines()).toEqual(['starting', 'started', 'closing', 'closed']);
  });

  it('a SIGTERM once started closes it and exits 0; a second one during the close exits 130 at once', async () => {
    const graceful = await closingAfterSigterm();
    graceful.proceed();
    expect(await graceful.exit).toEqual({ code: 0, signal: null });

    const forced = await closingAfterSigterm();
    forced.child.kill('SIGINT');
    expect(await forced.exit).toEqual({ code: 130, signal: null });
    expect(forced.lines()).not.toContain('closed');
  });
});
