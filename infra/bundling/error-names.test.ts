import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { nodejsArgs } from '../lambda';
import { lambdaSpecs } from '../needs';
import { repoRoot } from '../repo';
import { sstBuildOptions } from './bundle';

const run = promisify(execFile);

// The entry must resolve the repository's node_modules, so it lives inside it (in .tmp/, ignored).
mkdirSync(join(repoRoot(), '.tmp'), { recursive: true });
const root = mkdtempSync(join(repoRoot(), '.tmp', 'error-names-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const source = (path: string) => JSON.stringify(join(repoRoot(), path));

/** Every error class whose `name` reaches logs, job records or a comparison. */
const ENTRY = `
import * as core from ${source('packages/core/src/errors.ts')};
import { HttpError } from ${source('packages/api/src/errors.ts')};
import { ResolveError, UnsafeAddressError } from ${source('packages/adapters/src/net/resolve-public-address.ts')};
import { InjectedFault } from ${source('packages/core/src/faults.ts')};
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

// No explicit name: what minification does to a class that relies on its declared one.
class ControlError extends Error {}

const names = {
  PaperlaneError: new core.PaperlaneError('m').name,
  PermanentError: new core.PermanentError('m').name,
  ValidationError: new core.ValidationError('m').name,
  NotFoundError: new core.NotFoundError('m').name,
  ConfigError: new core.ConfigError('m').name,
  RetryableError: new core.RetryableError('m').name,
  ConflictError: new core.ConflictError('m').name,
  TransportUnavailableError: new core.TransportUnavailableError('m').name,
  AbortedError: new core.AbortedError('m').name,
  HttpError: new HttpError(400, 'bad', 'm').name,
  ResolveError: new ResolveError('m').name,
  UnsafeAddressError: new UnsafeAddressError('m').name,
  InjectedFault: new InjectedFault('after-claim').name,
  ConditionalCheckFailedException: new ConditionalCheckFailedException({ message: 'm', $metadata: {} }).name,
};
console.log(JSON.stringify({ names, described: core.describeError(new core.NotFoundError('gone')), control: ControlError.name }));
`;

describe('error names in a production bundle', () => {
  it('survive minification even without esbuild keepNames, so logs and job records say what failed', async () => {
    const dir = join(root, 'src');
    mkdirSync(dir, { recursive: true });
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, ENTRY);
    const out = join(root, 'out');
    const options = await sstBuildOptions(entry, out, nodejsArgs(lambdaSpecs.api));
    // SST 4.17 always bundles with keepNames; the names must not depend on it.
    await build({ ...options, keepNames: false, sourcemap: false, metafile: false });
    const { stdout } = await run(process.execPath, [join(out, 'bundle.mjs')], { cwd: root });
    const printed = JSON.parse(stdout) as {
      names: Record<string, string>;
      described: string;
      control: string;
    };
    // The control class lost its name: the build did rename classes, so this test can fail.
    expect(printed.control).not.toBe('ControlError');
    for (const [declared, name] of Object.entries(printed.names)) expect(name, declared).toBe(declared);
    expect(printed.described).toBe('NotFoundError: gone');
  }, 60_000);
});
