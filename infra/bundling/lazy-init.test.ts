import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { nodejsArgs } from '../lambda';
import { lambdaSpecs } from '../needs';
import { repoRoot } from '../repo';
import { bundleLambda } from './bundle';

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
});
