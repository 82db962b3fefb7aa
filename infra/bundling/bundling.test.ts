import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lambdaSpecs } from '../needs';
import { repoRoot } from '../repo';
import { buildAllLambdas } from './build-all';
import { bundleProblems, formatSizeTable } from './size-report';

// Entry points must resolve the repository's node_modules, so the fake root lives inside it (in .tmp/, ignored).
mkdirSync(join(repoRoot(), '.tmp'), { recursive: true });
const root = mkdtempSync(join(repoRoot(), '.tmp', 'bundling-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, content: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

const consumer = lambdaSpecs.consumer('thumbnail');
const api = lambdaSpecs.api;

describe('build:lambdas', () => {
  it('bundles what exists, reports what does not, and measures raw and gzip sizes', async () => {
    write(
      consumer.entry,
      "import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';\nimport sharp from 'sharp';\n" +
        "export const handler = async () => { await new SQSClient({}).send(new SendMessageCommand({ QueueUrl: 'q', MessageBody: 'b' })); return sharp; };\n",
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
    expect(built.result.externals).toEqual(['sharp']);
    expect(built.undeclared).toEqual([]);
    expect(built.result.gzipBytes).toBeLessThan(built.result.bytes);
    expect(formatSizeTable(rows)).toMatch(/^ThumbnailConsumer\s+\d+\.\d KB\s+\d+\.\d KB\s+\+sharp$/m);
    expect(formatSizeTable(rows)).toMatch(/^ApiHandler\s+-\s+-\s+missing \(no entry point yet\)$/m);
    expect(bundleProblems(rows)).toEqual([]);
  });

  it('fails an API bundle over budget, naming what fills it', async () => {
    write(
      api.entry,
      "import { S3Client } from '@aws-sdk/client-s3';\nexport const handler = async () => new S3Client({});\n",
    );
    const rows = await buildAllLambdas(root, { specs: [api], budgets: { [api.name]: 10 * 1024 } });
    expect(formatSizeTable(rows)).toMatch(/^ApiHandler .* OVER 10\.0 KB budget$/m);
    expect(bundleProblems(rows)).toEqual([
      expect.stringMatching(
        /^ApiHandler: bundle is \d+\.\d KB gzipped \(\d+\.\d KB minified\), over its 10\.0 KB budget; largest: .*@aws-sdk\/client-s3 \d/,
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
      'ApiHandler: imports sharp, which infra/needs.ts does not install for it; it would be missing on Lambda',
      expect.stringMatching(
        /^Sweeper: packages\/functions\/src\/lambda\/sweeper\.ts does not bundle: Could not resolve "\.\/missing-module"/,
      ),
    ]);
  });
});

it('keeps its scratch root out of the OS temp dir (bundles need node_modules)', () => {
  expect(root.startsWith(tmpdir())).toBe(false);
});
