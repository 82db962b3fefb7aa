#!/usr/bin/env node
// The `paperlane` command. Sources are TypeScript run through tsx (no build step).
import { tsImport } from 'tsx/esm/api';

// The SDK's notice about future Node versions is noise on every CLI run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { main } = await tsImport('../src/cli/paperlane.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
