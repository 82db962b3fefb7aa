import { lambdaEntryPoints, QUEUE_NAMES, type QueueName, sstNames } from '@paperlane/core';
import { infraNames } from './names';

/**
 * Packages that are installed into a function's package instead of bundled: native
 * binaries (sharp, @napi-rs/canvas), or code that loads files beside itself at run
 * time (pdfjs-dist's fonts, cmaps and wasm; tesseract.js's worker script and core
 * wasm). SST installs them for the function's architecture (`nodejs.install`).
 */
export type ExternalPackage = 'sharp' | '@napi-rs/canvas' | 'pdfjs-dist' | 'tesseract.js';

/**
 * What a function may do beyond its links (a link is its own grant):
 * - `textract`: Textract's expense analysis (invoice OCR; Textract has no resource-level permissions);
 * - `seal-secrets` / `open-secrets`: the stage's KMS key, for the secret cipher
 *   (`KMS_KEY_ID`): sealing is GenerateDataKey, opening is Decrypt;
 * - `consumer-switch`: turning the consumers' event source mappings off and on (queue pause);
 * - `send-email`: SES `SendEmail` from the deploy's sender only (`PAPERLANE_EMAIL_FROM`), for the
 *   upload completion email the settled hook sends; nothing when no sender is configured.
 */
export type Grant = 'textract' | 'seal-secrets' | 'open-secrets' | 'consumer-switch' | 'send-email';

/** One Lambda function: where its code is, what it reads through `Resource`, and what it cannot bundle. */
export interface LambdaSpec {
  /** The SST component name. */
  name: string;
  /** Handler file, relative to the repository root (from `lambdaEntryPoints`). */
  entry: string;
  /** The `Resource.<name>`s it uses, so exactly these are linked (and so granted). */
  needs: readonly string[];
  grants: readonly Grant[];
  external: readonly ExternalPackage[];
  /**
   * Externals the bundle reaches only through a dynamic import that this function
   * never takes, so they are not installed (e.g. tesseract.js in the thumbnail
   * consumer: the OCR provider is built lazily, and thumbnails never OCR).
   */
  neverLoads?: readonly ExternalPackage[];
  /** Needs the OCR language data layer. */
  tessdata?: boolean;
}

/**
 * A queue as the runtime addresses it: both lanes and the DLQ. A producer only sends
 * to the lanes, but the linked URLs come as one set (`linkedQueueUrls`), so the DLQ
 * is linked too.
 */
const queue = (name: QueueName) => [
  sstNames.queue(name, 'high'),
  sstNames.queue(name, 'low'),
  sstNames.queue(name, 'dlq'),
];
const allQueues = QUEUE_NAMES.flatMap(queue);
const { table, bucket, realtime, secrets } = sstNames;
const ocr: ExternalPackage[] = ['sharp', '@napi-rs/canvas', 'pdfjs-dist', 'tesseract.js'];

interface ConsumerExtras {
  /** Beyond the table, the realtime API, its own queue and webhook-delivery. */
  needs: string[];
  /** Queues its jobs enqueue follow-ups on. */
  sendsTo: QueueName[];
  grants: Grant[];
  external: ExternalPackage[];
  neverLoads?: ExternalPackage[];
  tessdata?: boolean;
}

/**
 * What each consumer uses beyond what every consumer uses: the table, the realtime
 * API (job events are pushed to WebSocket clients), its own queue, and
 * webhook-delivery (every settled job fans out `job.completed` / `job.failed`).
 * Keep in step with the job modules (`packages/jobs`) and their wiring
 * (`packages/functions/src/handlers`).
 */
const consumerExtras: Record<QueueName, ConsumerExtras> = {
  // OCR (PDF text layer, then Textract, Google Vision or tesseract on rendered pages),
  // field extraction (OpenAI or rules), then the summary job.
  'invoice-processing': {
    needs: [bucket, secrets.openAiApiKey, secrets.googleCredentials],
    sendsTo: ['llm-summary'],
    grants: ['textract'],
    external: ocr,
    tessdata: true,
  },
  // Renders PDFs (pdfjs + canvas) and images (sharp); never OCRs.
  thumbnail: {
    needs: [bucket],
    sendsTo: [],
    grants: [],
    external: ['sharp', '@napi-rs/canvas', 'pdfjs-dist'],
    neverLoads: ['tesseract.js'],
  },
  // Summarises the stored OCR text; OCRs the document itself when there is none yet.
  'llm-summary': {
    needs: [bucket, secrets.openAiApiKey, secrets.googleCredentials],
    sendsTo: [],
    grants: ['textract'],
    external: ocr,
    tessdata: true,
  },
  // Opens the mailbox password; attachments become documents, ingested like uploads.
  'email-sync': {
    needs: [bucket],
    sendsTo: ['invoice-processing', 'thumbnail'],
    grants: ['open-secrets'],
    external: [],
  },
  // Actions: sync mailboxes, retry failed invoices, digest events to webhooks.
  automation: { needs: [], sendsTo: ['email-sync', 'invoice-processing'], grants: [], external: [] },
  // Opens the subscription's signing secret.
  'webhook-delivery': { needs: [], sendsTo: [], grants: ['open-secrets'], external: [] },
};

function consumerSpec(name: QueueName): LambdaSpec {
  const extras = consumerExtras[name];
  const needs = new Set([
    table,
    realtime,
    ...queue(name),
    ...queue('webhook-delivery'),
    ...extras.sendsTo.flatMap(queue),
    ...extras.needs,
  ]);
  return {
    name: sstNames.consumer(name),
    entry: lambdaEntryPoints.consumer(name),
    needs: [...needs],
    // Every consumer settles jobs, so any of them may complete a session and email its uploader.
    grants: [...extras.grants, 'send-email'],
    external: extras.external,
    ...(extras.neverLoads ? { neverLoads: extras.neverLoads } : {}),
    ...(extras.tessdata ? { tessdata: true } : {}),
  };
}

/** Every Lambda function Paperlane deploys. */
export const lambdaSpecs = {
  // The dispatcher enqueues and retries any job; admin routes read DLQ depth, redrive
  // and pause (the consumers' event sources); mailbox and webhook routes seal secrets.
  api: {
    name: infraNames.apiFunction,
    entry: lambdaEntryPoints.api,
    needs: [table, bucket, secrets.jwtSecret, ...allQueues],
    grants: ['seal-secrets', 'consumer-switch'],
    external: [],
  },
  // $connect authenticates and stores the connection; $default answers pings and subscriptions.
  websocket: {
    name: infraNames.websocketFunction,
    entry: lambdaEntryPoints.websocket,
    needs: [table, secrets.jwtSecret, realtime],
    grants: [],
    external: [],
  },
  // Re-sends pending jobs of any queue; fails lapsed last attempts (and pushes that).
  sweeper: {
    name: infraNames.sweeperFunction,
    entry: lambdaEntryPoints.sweeper,
    needs: [table, realtime, ...allQueues],
    // It runs settled hooks again (outbox markers), which may send a completion email.
    grants: ['send-email'],
    external: [],
  },
  // Enqueues due automations; mailboxes are synced by their owners' automations.
  automationTick: {
    name: infraNames.automationTickFunction,
    entry: lambdaEntryPoints.automationTick,
    needs: [table, ...queue('automation')],
    grants: [],
    external: [],
  },
  consumer: consumerSpec,
} as const satisfies Record<string, LambdaSpec | ((queue: QueueName) => LambdaSpec)>;

/** All specs, consumers included, e.g. for the linter and the bundler. */
export function allLambdaSpecs(): LambdaSpec[] {
  const { consumer, ...fixed } = lambdaSpecs;
  return [...Object.values(fixed), ...QUEUE_NAMES.map(consumer)];
}
