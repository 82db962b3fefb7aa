import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '@paperlane/adapters/aws/client-config';
import { createS3BlobStoreFromSettings } from '@paperlane/adapters/blob';
import { sniffContentType } from '@paperlane/adapters/files/content-type';
import { QUEUE_NAMES, resolveTopology, silentLogger, sstNames, systemClock } from '@paperlane/core';
import { ingestDocuments } from '@paperlane/jobs/ingest/ingest-documents';
import { provisionSqsQueues } from '@paperlane/runtime/adapter/sqs/provision';
import type { SqsQueueUrls } from '@paperlane/runtime/adapter/sqs/queue-urls';
import { createSqsTransport } from '@paperlane/runtime/adapter/sqs/sqs-transport';
import { createDispatcher } from '@paperlane/runtime/dispatcher/dispatcher';
import { createDocumentClient, createStore, ensureTable, type Store } from '@paperlane/store';
import {
  type DynaliteServer,
  type FauxqsServer,
  invoiceFixture,
  sqsEventFactory,
  sqsRecordFactory,
  startDynalite,
  startFauxqs,
} from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodejsArgs } from '../lambda';
import { type ExternalPackage, type LambdaSpec, lambdaSpecs } from '../needs';
import { installedPackageDir, repoRoot } from '../repo';
import { tessdataFiles } from '../tessdata';
import { bundleLambda } from './bundle';
import { coldStart } from './coldstart';

/**
 * A function package as SST deploys it, run outside the repository: the bundle and
 * its chunks, the `nodejs.install` packages in `node_modules/` beside it, the OCR
 * layer under `/opt` on NODE_PATH, and nothing else to resolve from. The real job
 * modules run in it on SQS events from the emulators.
 */
const root = repoRoot();
const scratch = mkdtempSync(join(tmpdir(), 'paperlane-package-'));
const opt = join(scratch, 'opt');
const PREFIX = 'pkg-';
let dynamo: DynaliteServer;
let faux: FauxqsServer;
let sqs: SQSClient;
let urls: SqsQueueUrls;
let store: Store;

/** `npm install` of the function's externals, as links to the tested copies (this machine's platform). */
function installExternals(dir: string, names: readonly ExternalPackage[]) {
  for (const name of names) {
    const target = join(dir, 'node_modules', name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(installedPackageDir(name), target, 'dir');
  }
}

async function packageOf(spec: LambdaSpec): Promise<string> {
  const dir = join(scratch, spec.name);
  const bundle = await bundleLambda(join(root, spec.entry), dir, nodejsArgs(spec));
  installExternals(dir, spec.external);
  return bundle.file;
}

async function eventFor(queue: 'invoice-processing' | 'thumbnail', jobId: string): Promise<string> {
  const received = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: urls[queue].high, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  const message = received.Messages?.find((m) => m.Body?.includes(jobId));
  if (!message?.Body) throw new Error(`no ${queue} message for ${jobId}`);
  const file = join(scratch, `${queue}-event.json`);
  writeFileSync(
    file,
    JSON.stringify(
      sqsEventFactory([
        sqsRecordFactory({
          body: message.Body,
          messageId: message.MessageId ?? 'm',
          receiptHandle: message.ReceiptHandle ?? 'r',
          queueName: `${PREFIX}${queue}`,
        }),
      ]),
    ),
  );
  return file;
}

beforeAll(async () => {
  for (const [path, source] of Object.entries(tessdataFiles())) {
    mkdirSync(dirname(join(opt, path)), { recursive: true });
    copyFileSync(source, join(opt, path));
  }
  [dynamo, faux] = await Promise.all([startDynalite(), startFauxqs()]);
  sqs = new SQSClient(awsClientConfig({ endpoint: faux.endpoint }));
  urls = await provisionSqsQueues(sqs, resolveTopology({}), PREFIX);
  const documentClient = createDocumentClient({ endpoint: dynamo.endpoint });
  await ensureTable(documentClient, 'pkg-table');
  store = createStore({ documentClient, tableName: 'pkg-table' });
  const s3 = new S3Client({ ...awsClientConfig({ endpoint: faux.endpoint }), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'pkg-files' }));
  s3.destroy();
}, 60_000);

afterAll(async () => {
  sqs?.destroy();
  await Promise.all([faux?.stop(), dynamo?.stop()]);
  rmSync(scratch, { recursive: true, force: true });
});

describe('a deployed function package', () => {
  it('OCRs a scanned invoice with tesseract and renders its thumbnails, loading natives, wasm and language data from the package', async () => {
    const [invoiceBundle, thumbnailBundle] = await Promise.all([
      packageOf(lambdaSpecs.consumer('invoice-processing')),
      packageOf(lambdaSpecs.consumer('thumbnail')),
    ]);
    const blobs = createS3BlobStoreFromSettings({ bucket: 'pkg-files', endpoint: faux.endpoint });
    const dispatcher = createDispatcher({
      topology: resolveTopology({}),
      clock: systemClock,
      logger: silentLogger,
      sweepGraceMs: 120_000,
      store: store.jobs,
      transport: createSqsTransport({ client: sqs, urls }),
    });
    const ingested = await ingestDocuments(
      {
        store,
        blobs,
        queue: dispatcher,
        clock: systemClock,
        sniff: sniffContentType,
        limits: { maxFileBytes: 25e6, maxFiles: 5 },
      },
      {
        tenantId: 'acme',
        files: [{ fileName: 'scan.png', bytes: await invoiceFixture('en-gb-two-column.png') }],
        source: 'upload',
      },
    );
    const jobOf = (queue: string) => {
      const job = ingested.jobs.find((j) => j.job.queue === queue);
      if (!job) throw new Error(`no ${queue} job`);
      return job.job.jobId;
    };

    const resources: Record<string, Record<string, string>> = {
      [sstNames.table]: { name: 'pkg-table' },
      [sstNames.bucket]: { name: 'pkg-files' },
    };
    for (const queue of QUEUE_NAMES) {
      for (const lane of ['high', 'low', 'dlq'] as const) {
        resources[sstNames.queue(queue, lane)] = { url: urls[queue][lane] };
      }
    }
    const env = (name: string) => ({
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: faux.endpoint,
      AWS_ENDPOINT_URL_S3: faux.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1',
      LOG_LEVEL: 'error',
      // Lambda puts layers' nodejs/node_modules on NODE_PATH.
      NODE_PATH: join(opt, 'nodejs/node_modules'),
      OCR_PROVIDER: 'tesseract',
      OCR_LANGUAGES: 'eng',
      SST_RESOURCES_JSON: JSON.stringify(resources),
    });

    const invoiceJob = jobOf('invoice-processing');
    const ocr = await coldStart(
      invoiceBundle,
      await eventFor('invoice-processing', invoiceJob),
      env('paperlane-test-InvoiceProcessingConsumer'),
    );
    expect(ocr.outcome).toBe('0 failed of 1');
    expect(await store.jobs.get({ tenantId: 'acme', jobId: invoiceJob })).toMatchObject({
      status: 'complete',
    });
    const invoice = await store.invoices.get({
      tenantId: 'acme',
      invoiceId: ingested.invoices[0]?.invoiceId ?? '',
    });
    expect(invoice).toMatchObject({
      status: 'processed',
      ocrProvider: 'tesseract',
      fields: { total: 1450.8 },
    });

    const thumbnailJob = jobOf('thumbnail');
    const thumbs = await coldStart(
      thumbnailBundle,
      await eventFor('thumbnail', thumbnailJob),
      env('paperlane-test-ThumbnailConsumer'),
    );
    expect(thumbs.outcome).toBe('0 failed of 1');
    expect(await store.jobs.get({ tenantId: 'acme', jobId: thumbnailJob })).toMatchObject({
      status: 'complete',
    });
    const document = await store.documents.get({
      tenantId: 'acme',
      documentId: ingested.documents[0]?.documentId ?? '',
    });
    expect(document?.thumbnails).toBeDefined();
  }, 180_000);
});
