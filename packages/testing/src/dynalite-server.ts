/**
 * dynalite's own command line (`--port`, `--path`, ...), with its writes made
 * crash-atomic first (see `dynalite-atomic-writes.ts`): run by `startDynaliteProcess`,
 * whose tests and benchmarks kill it mid-write.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { makeDynaliteWritesAtomic } from './dynalite-atomic-writes';

makeDynaliteWritesAtomic();
await import(pathToFileURL(createRequire(import.meta.url).resolve('dynalite/cli.js')).href);
