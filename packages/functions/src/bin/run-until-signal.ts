/**
 * Starts something closable, then closes it gracefully on SIGINT/SIGTERM. A second
 * signal exits at once (130); a failed start prints the reason (never a stack of config
 * values) and exits non-zero.
 *
 * The handlers are installed before the start, not after it: a signal that arrives
 * while it runs (or between its last output and its return, where a loaded machine
 * once delivered one to `npm start`) would otherwise end the process with Node's
 * default action, its children never told to stop. Such a signal closes what started
 * as soon as the start finishes.
 */
export async function runUntilSignal(start: () => Promise<{ close(): Promise<void> }>): Promise<void> {
  let running: { close(): Promise<void> } | undefined;
  let stopping = false;
  const close = (what: { close(): Promise<void> }) =>
    what.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`paperlane: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  const stop = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`\n${signal}: finishing current jobs, then stopping (again to force)\n`);
    if (running) void close(running);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  try {
    running = await start();
  } catch (error) {
    process.stderr.write(
      `paperlane: could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
  if (stopping) await close(running);
}
