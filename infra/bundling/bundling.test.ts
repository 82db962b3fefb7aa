import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { nodejsArgs } from '../lambda';
import { allLambdaSpecs, lambdaSpecs } from '../needs';
import { nodeModulesAbove, repoRoot } from '../repo';
import { tessdataFiles } from '../tessdata';
import { buildAllLambdas, externalProblems } from './build-all';
import { bundleLambda, duplicatePackages, sstBuildOptions } from './bundle';
import { bundleProblems, formatSizeTable } from './size-report';

const run = promisify(execFile);

// Entry points must resolve the repository's node_modules, so the fake root lives inside it (in .tmp/, ignored).
mkdirSync(join(repoRoot(), '.tmp'), { recursive: true });
const root = mkdtempSync(join(repoRoot(), '.tmp', 'bundling-'));
// What a deployed function sees: its package and /opt, no repository node_modules around it.
const outside = mkdtempSync(join(tmpdir(), 'paperlane-lambda-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function write(path: string, content: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

const consumer = lambdaSpecs.consumer('thumbnail');
const api = lambdaSpecs.api;

describe('build:lambdas', () => {
  it('bundles what exists into bundle.mjs and chunks, reports what does not, and measures init, minified and zip sizes', async () => {
    write(
      consumer.entry,
      "import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';\nimport sharp from 'sharp';\n" +
        "export const handler = async () => { const { default: t } = await import('tesseract.js'); const { inflate } = await import('./lazy'); await new SQSClient({}).send(new SendMessageCommand({ QueueUrl: 'q', MessageBody: 'b' })); return [sharp, t, inflate]; };\n",
    );
    write(
      consumer.entry.replace(/[^/]+$/, 'lazy.ts'),
      `export const inflate = () => '${'lazy code '.repeat(2000)}';\n`,
    );
    const rows = await buildAllLambdas(root, { specs: [consumer, api, lambdaSpecs.sweeper] });
    expect(rows.map((r) => [r.name, r.status])).toEqual([
      [consumer.name, 'built'],
      [api.name, 'missing'],
      [lambdaSpecs.sweeper.name, 'missing'],
    ]);
    const [built] = rows;
    if (built?.status !== 'built') throw new Error('not built');
    // The SQS client is bundled (not Lambda's copy); sharp stays out, installed beside it.
    expect(built.result.packages.map((p) => p.name)).toContain('@aws-sdk/client-sqs');
    expect(built.result.externals).toEqual([
      { name: 'sharp', atInit: true },
      { name: 'tesseract.js', atInit: false },
    ]);
    // tesseract.js is only import()ed, and the thumbnail consumer declares it never loads.
    expect(built.undeclared).toEqual([]);
    expect(built.loadsAtInit).toEqual([]);
    // The dynamic import is a chunk of its own: in the package, not parsed at init.
    expect(built.result.files).toBeGreaterThan(1);
    expect(built.result.initBytes).toBeLessThan(built.result.bytes - 20_000);
    expect(built.result.zipBytes).toBeLessThan(built.result.bytes);
    expect(formatSizeTable(rows)).toMatch(
      /^ThumbnailConsumer\s+\d+\.\d KB\s+\d+\.\d KB\s+\d+\.\d KB\s+\+sharp \+tesseract\.js \(lazy\)$/m,
    );
    expect(formatSizeTable(rows)).toMatch(/^ApiHandler\s+-\s+-\s+-\s+missing \(no entry point yet\)$/m);
    expect(bundleProblems(rows)).toEqual([]);
  });

  it('fails an API package over budget, naming what fills it', async () => {
    write(
      api.entry,
      "import { S3Client } from '@aws-sdk/client-s3';\nexport const handler = async () => new S3Client({});\n",
    );
    const rows = await buildAllLambdas(root, { specs: [api], budgets: { [api.name]: 10 * 1024 } });
    expect(formatSizeTable(rows)).toMatch(/^ApiHandler .* OVER 10\.0 KB budget$/m);
    expect(bundleProblems(rows)).toEqual([
      expect.stringMatching(
        /^ApiHandler: package is \d+\.\d KB zipped \(\d+\.\d KB minified\), over its 10\.0 KB budget; largest: .*@aws-sdk\/client-s3 \d/,
      ),
    ]);
  });

  it('flags a native package the function does not install, and an entry that does not bundle', async () => {
    write(api.entry, "import sharp from 'sharp';\nexport const handler = async () => sharp;\n");
    write(
      lambdaSpecs.sweeper.entry,
      "import { nothing } from './missing-module';\nexport const handler = nothing;\n",
    );
    const rows = await buildAllLambdas(root, { specs: [api, lambdaSpecs.sweeper], budgets: {} });
    expect(bundleProblems(rows)).toEqual([
      'ApiHandler: imports sharp, which infra/needs.ts does not install for it; SST would bundle it without its files or install an untested version',
      expect.stringMatching(
        /^Sweeper: packages\/functions\/src\/lambda\/sweeper\.ts does not bundle: Could not resolve "\.\/missing-module"/,
      ),
    ]);
  });

  it('names a package bundled from two installs, with each copy', () => {
    const input = (bytesInOutput: number) => ({ bytesInOutput });
    const metafile = {
      inputs: {},
      outputs: {
        'bundle.mjs': {
          bytes: 0,
          imports: [],
          exports: [],
          inputs: {
            'node_modules/@aws-sdk/client-s3/dist-es/index.js': input(10),
            'node_modules/@aws-sdk/s3-presigned-post/node_modules/@aws-sdk/client-s3/dist-es/S3Client.js':
              input(10),
            'node_modules/zod/v4/classic/schemas.js': input(10),
            'packages/core/src/index.ts': input(10),
          },
        },
        'chunk-1.mjs': {
          bytes: 0,
          imports: [],
          exports: [],
          inputs: { 'node_modules/zod/v4/core/core.js': input(5) },
        },
      },
    };
    expect(duplicatePackages(metafile)).toEqual([
      {
        name: '@aws-sdk/client-s3',
        copies: [
          'node_modules/@aws-sdk/client-s3',
          'node_modules/@aws-sdk/s3-presigned-post/node_modules/@aws-sdk/client-s3',
        ],
      },
    ]);
  });

  it('flags a package declared never loaded that the bundle imports at init', () => {
    const spec = { ...consumer, neverLoads: ['tesseract.js' as const] };
    expect(
      externalProblems(spec, [
        { name: 'sharp', atInit: true },
        { name: 'tesseract.js', atInit: true },
        { name: 'pdfjs-dist', atInit: false },
      ]),
    ).toEqual({ undeclared: [], loadsAtInit: ['tesseract.js'] });
    expect(externalProblems({ ...consumer, external: [] }, [{ name: 'pdfjs-dist', atInit: false }])).toEqual({
      undeclared: ['pdfjs-dist'],
      loadsAtInit: [],
    });
  });
});

describe("SST's build of a function, as build:lambdas reproduces it", () => {
  it('minifies only when nodejs.minify is set, as SST does, and every function sets it', async () => {
    const out = join(root, 'options');
    expect((await sstBuildOptions('e.ts', out, { format: 'esm' })).minify).toBeUndefined();
    for (const spec of allLambdaSpecs()) {
      const options = await sstBuildOptions(spec.entry, out, nodejsArgs(spec));
      expect(options).toMatchObject({ minify: true, splitting: true, format: 'esm', target: 'es2023' });
      // What SST leaves out: its forced externals, what the function installs, what it excludes.
      expect(options.external).toEqual(['sharp', 'pg-native', ...spec.external, ...(spec.neverLoads ?? [])]);
      expect(options.plugins?.map((p) => p.name)).toEqual([
        'zod-english-only',
        'no-browser-user-agent-parser',
        'lambda-credentials',
      ]);
    }
  });

  it('refuses a nodejs setting it does not reproduce, rather than measure another build', async () => {
    const base = nodejsArgs(api);
    const out = join(root, 'options');
    await expect(sstBuildOptions('e.ts', out, { ...base, esbuild: { keepNames: false } })).rejects.toThrow(
      /does not reproduce SST's handling of nodejs\.esbuild\.keepNames/,
    );
    await expect(
      sstBuildOptions('e.ts', out, { ...base, durable: true } as unknown as Sst.NodejsArgs),
    ).rejects.toThrow(/nodejs\.durable/);
    await expect(sstBuildOptions('e.ts', out, { ...base, sourcemap: true })).rejects.toThrow(/sourcemap/);
    await expect(sstBuildOptions('e.ts', out, { ...base, format: 'cjs' })).rejects.toThrow(
      /ESM bundles only/,
    );
  });

  it('bundles what a function neither installs nor excludes, and reports it', async () => {
    write(
      api.entry,
      "import sharp from 'sharp';\nimport { version } from 'pdfjs-dist';\nexport const handler = async () => [sharp, version];\n",
    );
    const [row] = await buildAllLambdas(root, { specs: [api], budgets: {} });
    if (row?.status !== 'built') throw new Error('not built');
    // sharp is one of SST's forced externals; pdfjs-dist is bundled, without the files it loads.
    expect(row.result.externals.map((e) => e.name)).toEqual(['sharp']);
    expect(row.result.bundledExternals).toEqual(['pdfjs-dist']);
    expect(row.undeclared).toEqual(['sharp', 'pdfjs-dist']);
  });
});

/**
 * Bundles a one-file entry as a deployed function is bundled, then runs its handler once in a
 * fresh Node process: the bundle's code (all chunks), its package report, and what the handler returned.
 */
async function bundleAndRun(name: string, source: string, env?: Record<string, string>) {
  const entry = join(root, `${name}-entry.ts`);
  writeFileSync(entry, source);
  const out = join(outside, name);
  const result = await bundleLambda(entry, out);
  const code = readdirSync(out)
    .map((f) => readFileSync(join(out, f), 'utf8'))
    .join('\n');
  const { stdout } = await run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { handler } = await import(${JSON.stringify(result.file)}); console.log(JSON.stringify(await handler()));`,
    ],
    env ? { env: { PATH: process.env.PATH ?? '', ...env } } : {},
  );
  return { result, code, returned: JSON.parse(stdout) as unknown };
}

describe('the bundles as deployed', () => {
  it("leave zod's other locales out and keep its English messages", async () => {
    const { result, code, returned } = await bundleAndRun(
      'zod',
      "import { z } from 'zod';\nexport const handler = async () => { const r = z.object({ n: z.number() }).safeParse({ n: 'x' }); return { message: r.success ? '' : r.error.issues[0]?.message, locales: Object.keys(z.locales) }; };\n",
    );
    // German and Japanese messages are gone; zod still validates, in English.
    expect(code).not.toContain('Ungültige Eingabe');
    expect(code).not.toContain('無効な入力');
    expect(result.packages.find((p) => p.name === 'zod')?.bytes).toBeLessThan(260 * 1024);
    expect(returned).toEqual({
      message: 'Invalid input: expected number, received string',
      locales: ['default'],
    });
  });

  it("leave the SDK's browser user-agent parser out, and the client still signs its user agent", async () => {
    // A request that never leaves the process: the middleware stack runs, the handler answers.
    const { result, code, returned } = await bundleAndRun(
      'sdk',
      "import { SQSClient, GetQueueUrlCommand } from '@aws-sdk/client-sqs';\nexport const handler = async () => { let agent = ''; const sqs = new SQSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, requestHandler: { handle: async (req) => { agent = String(req.headers['user-agent'] ?? req.headers['x-amz-user-agent']); throw new Error('stop'); } } }); await sqs.send(new GetQueueUrlCommand({ QueueName: 'q' })).catch(() => {}); return { agent }; };\n",
    );
    expect(result.packages.map((p) => p.name)).not.toContain('bowser');
    expect(code).not.toContain('Internet Explorer');
    expect((returned as { agent: string }).agent).toMatch(/aws-sdk-js\/\S+ .*os\/linux/);
  });

  it("sign with the role's keys from the environment, and carry none of the providers Lambda never uses", async () => {
    // The signed request never leaves the process: the handler stub reads its Authorization header.
    const source =
      "import { SQSClient, GetQueueUrlCommand } from '@aws-sdk/client-sqs';\n" +
      "export const handler = async () => { let auth = ''; const sqs = new SQSClient({ region: 'eu-west-1', requestHandler: { handle: async (req) => { auth = String(req.headers.authorization); throw new Error('stop'); } } });\n" +
      'const error = await sqs.send(new GetQueueUrlCommand({ QueueName: "q" })).then(() => "", (e) => String(e.message)); return { auth, error }; };\n';
    const keys = {
      AWS_ACCESS_KEY_ID: 'AKIDLAMBDAROLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    };
    const signed = await bundleAndRun('credentials', source, keys);
    expect((signed.returned as { auth: string }).auth).toContain('Credential=AKIDLAMBDAROLE/');
    for (const gone of ['ini', 'sso', 'login', 'process', 'web-identity']) {
      expect(signed.result.packages.map((p) => p.name)).not.toContain(`@aws-sdk/credential-provider-${gone}`);
    }
    expect(signed.result.packages.map((p) => p.name)).not.toContain('@aws-sdk/nested-clients');
    expect(signed.result.packages.map((p) => p.name)).not.toContain('@smithy/credential-provider-imds');
    // Without keys (and no container endpoint) it fails saying where credentials come from, unsigned.
    const unsigned = await bundleAndRun('no-credentials', source, {});
    expect(unsigned.returned).toEqual({
      auth: '',
      error: expect.stringMatching(/no AWS credentials: a Lambda function reads them from AWS_ACCESS_KEY_ID/),
    });
  });

  it('find the OCR language data in the layer through NODE_PATH, as Lambda mounts it', async () => {
    const opt = join(outside, 'opt');
    for (const [path, source] of Object.entries(tessdataFiles())) {
      mkdirSync(dirname(join(opt, path)), { recursive: true });
      copyFileSync(source, join(opt, path));
    }
    const entry = join(root, 'tessdata-entry.ts');
    writeFileSync(
      entry,
      "import { existsSync } from 'node:fs';\nimport { languageDataFile, TESSERACT_LANGUAGES } from '@paperlane/adapters/ocr/tesseract-languages';\n" +
        'export const handler = async () => TESSERACT_LANGUAGES.map((lang) => { const file = languageDataFile(lang); return [file, existsSync(file)]; });\n',
    );
    const result = await bundleLambda(entry, join(outside, 'task'));
    const script = `const { handler } = await import(${JSON.stringify(result.file)}); console.log(JSON.stringify(await handler()));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', NODE_PATH: join(opt, 'nodejs/node_modules') },
    });
    const found = JSON.parse(stdout) as [string, boolean][];
    expect(found.length).toBeGreaterThanOrEqual(5);
    for (const [file, exists] of found) {
      expect(file.startsWith(join(opt, 'nodejs/node_modules/@tesseract.js-data/'))).toBe(true);
      expect(exists).toBe(true);
    }
    // Without the layer on NODE_PATH the same bundle finds nothing: the layer is what provides it.
    await expect(
      run(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '' } }),
    ).rejects.toThrow(/Cannot find module '@tesseract\.js-data\//);
  });
});

it('bundles entries where the repository resolves and runs them where nothing does, wherever the clone is', () => {
  // Asserted on module resolution, not on paths: a clone may itself live under the OS temp dir.
  expect(nodeModulesAbove(root)).toContain(join(repoRoot(), 'node_modules'));
  expect(nodeModulesAbove(outside)).toEqual([]);
});
