#!/usr/bin/env node
// The `paperlane` command. Sources are TypeScript run through tsx (no build step).
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/cli/paperlane.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
