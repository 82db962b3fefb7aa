import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { toErrorResponse } from '@paperlane/api/errors';
import type { Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { nodejsArgs } from '../lambda';
import { lambdaSpecs } from '../needs';
import { repoRoot } from '../repo';
import { startAwsStub } from './aws-stub';
import { bundleLambda } from './bundle';
import { coldStartEnv } from './fake-resources';

mkdirSync(join(repoRoot(), '.tmp'), { recursive: true });
const root = mkdtempSync(join(repoRoot(), '.tmp', 'lazy-init-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('what a cold start parses', () => {
  it('the email-sync consumer loads the IMAP and MIME libraries on the first sync, not at init', async () => {
    const spec = lambdaSpecs.consumer('email-sync');
    const result = await bundleLambda(
      join(repoRoot(), spec.entry),
      join(root, 'email-sync'),
      nodejsArgs(spec),
    );
    const atInit = result.initPackages.map((p) => p.name);
    const shipped = result.packages.map((p) => p.name);
    for (const heavy of ['imapflow', 'mailparser', 'iconv-lite', 'libmime']) {
      expect(shipped, heavy).toContain(heavy);
      expect(atInit, heavy).not.toContain(heavy);
    }
  }, 120_000);

  it('the API loads the multipart parser on the first upload, not at init', async () => {
    const spec = lambdaSpecs.api;
    const result = await bundleLambda(join(repoRoot(), spec.entry), join(root, 'api'), nodejsArgs(spec));
    expect(result.packages.map((p) => p.name)).toContain('@fastify/busboy');
    expect(result.initPackages.map((p) => p.name)).not.toContain('@fastify/busboy');
  }, 120_000);

  it('the API builds each route group on the first request it could serve, not at init', async () => {
    const spec = lambdaSpecs.api;
    const out = join(root, 'api-routes');
    const result = await bundleLambda(join(repoRoot(), spec.entry), out, nodejsArgs(spec));
    const shipped = Object.keys((JSON.parse(readFileSync(`${out}.meta.json`, 'utf8')) as Metafile).inputs);
    const routes = shipped.filter((f) => f.startsWith('packages/api/src/routes/'));
    expect(routes).toContain('packages/api/src/routes/jobs.ts');
    expect(result.initInputs).toContain('packages/api/src/assemble-app.ts');
    // The shell reads each route's body limit before any group is loaded.
    expect(routes.filter((f) => result.initInputs.includes(f))).toEqual([
      'packages/api/src/routes/route-body-limit.ts',
    ]);
  }, 120_000);

  it('the document consumers load the OpenAI SDK on the first extraction or summary, not at init', async () => {
    for (const queue of ['invoice-processing', 'llm-summary'] as const) {
      const spec = lambdaSpecs.consumer(queue);
      const result = await bundleLambda(join(repoRoot(), spec.entry), join(root, queue), nodejsArgs(spec));
      const shipped = result.packages.map((p) => p.name);
      const atInit = result.initPackages.map((p) => p.name);
      expect(shipped, queue).toContain('openai');
      expect(atInit, queue).not.toContain('openai');
    }
  }, 240_000);

  it('the API answers a route group whose chunk cannot load with the usual 500, and logs why', async () => {
    const spec = lambdaSpecs.api;
    const out = join(root, 'api-missing-chunk');
    await bundleLambda(join(repoRoot(), spec.entry), out, nodejsArgs(spec));
    const meta = JSON.parse(readFileSync(`${out}.meta.json`, 'utf8')) as Metafile;
    // The chunk `GET /healthz` loads: the operations groups, import()ed by the lazy app.
    const chunk = Object.entries(meta.outputs).find(
      ([file, output]) => !file.endsWith('.map') && 'packages/api/src/groups/operations.ts' in output.inputs,
    )?.[0];
    expect(chunk).toBeDefined();
    rmSync(join(repoRoot(), chunk as string));
    const event = JSON.parse(
      readFileSync(join(repoRoot(), 'scripts/infra/events/api-gateway-v2.json'), 'utf8'),
    );
    event.rawPath = '/healthz';
    event.requestContext.http.path = '/healthz';
    const eventFile = join(out, 'healthz.json');
    writeFileSync(eventFile, JSON.stringify(event));
    const stub = await startAwsStub();
    try {
      const script =
        `const { handler } = await import(${JSON.stringify(pathToFileURL(join(out, 'bundle.mjs')).href)});\n` +
        `const event = JSON.parse((await import('node:fs')).readFileSync(${JSON.stringify(eventFile)}, 'utf8'));\n` +
        "const r = await handler(event, { awsRequestId: 'test', getRemainingTimeInMillis: () => 60000 });\n" +
        'console.log(JSON.stringify({ statusCode: r.statusCode, body: JSON.parse(r.body) }));\n' +
        'process.exit(0);\n';
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--no-warnings', '--input-type=module', '-e', script],
        { env: { PATH: process.env.PATH ?? '', ...coldStartEnv(spec.name, stub.endpoint) }, timeout: 60_000 },
      );
      const lines = stdout.trim().split('\n');
      const { status, body } = toErrorResponse(new Error('any unexpected error'));
      expect(JSON.parse(lines.at(-1) as string)).toEqual({ statusCode: status, body });
      expect(status).toBe(500);
      // The cause goes to the log, not to the caller.
      expect(lines.some((line) => line.includes('route group failed to load'))).toBe(true);
    } finally {
      await stub.stop();
    }
  }, 120_000);
});
