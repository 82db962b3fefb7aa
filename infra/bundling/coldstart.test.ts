import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QUEUE_NAMES, sstNames } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../repo';
import { type AwsStub, startAwsStub } from './aws-stub';
import { bundleLambda } from './bundle';
import { benchNodes, coldStart, measureInterleaved, median, nodeVersion } from './coldstart';
import { fakeSstResources } from './fake-resources';

const root = repoRoot();
const scratch = join(root, '.tmp', `coldstart-test-${process.pid}`);
let stub: AwsStub;

beforeAll(async () => {
  mkdirSync(scratch, { recursive: true });
  stub = await startAwsStub();
});
afterAll(async () => {
  await stub?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Bundles a handler written out from `lines`, as a function would be. */
async function bundleSource(name: string, lines: string[]) {
  const entry = join(scratch, `${name}.ts`);
  writeFileSync(entry, `${lines.join('\n')}\n`);
  return bundleLambda(entry, join(scratch, name));
}

describe('cold-start runs', () => {
  it('import a bundle in a fresh process and handle the canned event through the stub', async () => {
    // A consumer-like handler: reads its DLQ from Resource, dead-letters the hostile record.
    const bundle = await bundleSource('consumer', [
      "import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';",
      'const resources = JSON.parse(process.env.SST_RESOURCES_JSON ?? "{}");',
      'const sqs = new SQSClient({});',
      'export const handler = async (event: { Records: { body: string }[] }) => {',
      '  for (const r of event.Records) await sqs.send(new SendMessageCommand({ QueueUrl: resources.ThumbnailDlq.url, MessageBody: r.body }));',
      '  return { batchItemFailures: [] };',
      '};',
    ]);
    const env = {
      AWS_ENDPOINT_URL: stub.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
      SST_RESOURCES_JSON: JSON.stringify(fakeSstResources(stub.endpoint)),
    };
    const run = await coldStart(bundle.file, join(root, 'scripts/infra/events/sqs.json'), env);
    expect(run.outcome).toBe('0 failed of 1');
    expect(run.initMs).toBeGreaterThan(0);
    // The process figure counts from Node's start, so it holds the import and the invoke.
    expect(run.processMs).toBeGreaterThan(run.initMs + run.invokeMs);
    expect(stub.calls.get('AmazonSQS.SendMessage')).toBe(1);
  });

  it('run the Hono baseline on the API event', async () => {
    const bundle = await bundleLambda(
      join(root, 'scripts/infra/hello/hono-hello.ts'),
      join(scratch, 'hello'),
    );
    const run = await coldStart(bundle.file, join(root, 'scripts/infra/events/api-gateway-v2.json'), {});
    expect(run.outcome).toBe('HTTP 200');
  });

  it('interleave targets and keep each one’s outcomes apart', async () => {
    const hello = await bundleLambda(join(root, 'scripts/infra/hello/hono-hello.ts'), join(scratch, 'hello'));
    const plain = await bundleLambda(
      join(root, 'scripts/infra/hello/plain-hello.ts'),
      join(scratch, 'plain'),
    );
    const api = join(root, 'scripts/infra/events/api-gateway-v2.json');
    const sqs = join(root, 'scripts/infra/events/sqs.json');
    const [a, b] = await measureInterleaved(
      [
        { bundle: hello.file, eventFile: sqs, env: {} },
        { bundle: plain.file, eventFile: api, env: {} },
      ],
      2,
    );
    expect(a).toMatchObject({ runs: 2 });
    // Hono answers an SQS event it has no route for with a 404.
    expect(a?.outcomes).toEqual(['HTTP 404']);
    expect(b).toMatchObject({ runs: 2, outcomes: ['HTTP 200'] });
  });
});

describe('each cold start’s process', () => {
  it('starts with an empty TMPDIR, as Lambda’s /tmp (Node 22’s compile cache lives there)', async () => {
    // Answers 200 + what it found in the temp folder, then leaves a file there for the next run.
    const bundle = await bundleSource('tmp-writer', [
      "import { readdirSync, writeFileSync } from 'node:fs';",
      "import { tmpdir } from 'node:os';",
      'export const handler = async () => {',
      '  const found = readdirSync(tmpdir()).length;',
      "  writeFileSync(tmpdir() + '/left-over', 'x');",
      '  return { statusCode: 200 + found };',
      '};',
    ]);
    const event = join(root, 'scripts/infra/events/api-gateway-v2.json');
    const [runs] = await measureInterleaved([{ bundle: bundle.file, eventFile: event, env: {} }], 2);
    expect(runs?.outcomes).toEqual(['HTTP 200']);
  });

  it('runs under the node binary asked for, reporting its version', async () => {
    expect(await nodeVersion(process.execPath)).toBe(process.version);
    expect(benchNodes(undefined, undefined)).toEqual([process.execPath]);
    expect(benchNodes('/opt/a/node, /opt/b/node', '/ignored')).toEqual(['/opt/a/node', '/opt/b/node']);
    expect(benchNodes(undefined, '/opt/b/node')).toEqual(['/opt/b/node']);
    const bundle = await bundleLambda(
      join(root, 'scripts/infra/hello/plain-hello.ts'),
      join(scratch, 'plain'),
    );
    const event = join(root, 'scripts/infra/events/api-gateway-v2.json');
    await expect(coldStart(bundle.file, event, {}, { node: join(scratch, 'no-such-node') })).rejects.toThrow(
      /ENOENT/,
    );
  });
});

describe('fakeSstResources', () => {
  it('names every linkable component, pointing URLs at the stub', () => {
    const resources = fakeSstResources('http://127.0.0.1:1');
    for (const queue of QUEUE_NAMES) {
      expect(resources[sstNames.queue(queue, 'dlq')]?.url).toMatch(/^http:\/\/127\.0\.0\.1:1\//);
    }
    expect(Object.keys(resources)).toEqual(
      expect.arrayContaining([
        sstNames.table,
        sstNames.bucket,
        sstNames.realtime,
        ...Object.values(sstNames.secrets),
      ]),
    );
    expect(resources[sstNames.secrets.jwtSecret]?.value?.length).toBeGreaterThanOrEqual(32);
  });
});

it('median takes the middle value, or the mean of the middle two', () => {
  expect(median([5, 1, 3])).toBe(3);
  expect(median([4, 1, 3, 2])).toBe(2.5);
});
