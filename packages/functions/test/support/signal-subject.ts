/**
 * A process for `run-until-signal.test.ts`: its start waits for a line on stdin (so a
 * test can signal it mid-start without sleeping), its close for another.
 */
import { createInterface } from 'node:readline';
import { runUntilSignal } from '../../src/bin/run-until-signal';

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const nextLine = async () => {
  await lines.next();
};

await runUntilSignal(async () => {
  process.stdout.write('starting\n');
  await nextLine();
  process.stdout.write('started\n');
  return {
    async close() {
      process.stdout.write('closing\n');
      await nextLine();
      process.stdout.write('closed\n');
    },
  };
});
