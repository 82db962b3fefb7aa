import { lambdaEntryPoints, QUEUE_NAMES, type QueueName, sstNames } from '@paperlane/core';
import { infraNames } from './names';

/**
 * Packages that are installed into a function's package instead of bundled: native
 * binaries (sharp, @napi-rs/canvas), or code that loads files beside itself at run
 * time (pdfjs-dist's fonts, cmaps and wasm; tesseract.js's worker script and core
 * wasm). SST installs them for the function's architecture (`nodejs.install`).
 */
export type ExternalPackage = 'sharp' | '@napi-rs/canvas' | 'pdfjs-dist' | 'tesseract.js';

/** One Lambda function: where its code is, what it reads through `Resource`, and what it cannot bundle. */
export interface LambdaSpec {
  /** The SST component name. */
  name: string;
  /** Handler file, relative to the repository root (from `lambdaEntryPoints`). */
  entry: string;
  /** The `Resource.<name>`s it uses, so exactly these are linked (and so granted). */
  needs: readonly string[];
  external: readonly ExternalPackage[];
  /** Needs the OCR language data layer. */
  tessdata?: boolean;
}

const lanes = (queue: QueueName) => [sstNames.queue(queue, 'high'), sstNames.queue(queue, 'low')];
const allLanes = QUEUE_NAMES.flatMap(lanes);
const allDlqs = QUEUE_NAMES.map((queue) => sstNames.queue(queue, 'dlq'));
const { table, bucket, realtime, secrets } = sstNames;
const pdf: ExternalPackage[] = ['pdfjs-dist', '@napi-rs/canvas'];

/**
 * What each consumer uses beyond what every consumer uses (the table, its own lanes
 * and DLQ, the realtime API for job events, and the webhook lanes, because job
 * events fan out to webhook deliveries). Keep in step with the job modules.
 */
const consumerExtras: Record<
  QueueName,
  { needs: string[]; external: ExternalPackage[]; tessdata?: boolean }
> = {
  // OCR (Textract, Google Vision, or tesseract on rendered pages), then LLM field extraction.
  'invoice-processing': {
    needs: [bucket, secrets.openAiApiKey, secrets.googleCredentials],
    external: ['sharp', ...pdf, 'tesseract.js'],
    tessdata: true,
  },
  thumbnail: { needs: [bucket], external: ['sharp', ...pdf] },
  'llm-summary': { needs: [bucket, secrets.openAiApiKey], external: [] },
  // Attachments become documents and invoices, and enqueue invoice processing.
  'email-sync': { needs: [bucket, ...lanes('invoice-processing')], external: [] },
  // Actions: sync mailboxes, retry failed invoices, digest events to webhooks.
  automation: { needs: [...lanes('email-sync'), ...lanes('invoice-processing')], external: [] },
  'webhook-delivery': { needs: [], external: [] },
};

function consumerSpec(queue: QueueName): LambdaSpec {
  const extras = consumerExtras[queue];
  const needs = new Set([
    table,
    realtime,
    ...lanes(queue),
    sstNames.queue(queue, 'dlq'),
    ...lanes('webhook-delivery'),
    ...extras.needs,
  ]);
  return {
    name: sstNames.consumer(queue),
    entry: lambdaEntryPoints.consumer(queue),
    needs: [...needs],
    external: extras.external,
    ...(extras.tessdata ? { tessdata: true } : {}),
  };
}

/** Every Lambda function Paperlane deploys. */
export const lambdaSpecs = {
  // The dispatcher enqueues any job; admin routes read DLQ depth and redrive.
  api: {
    name: infraNames.apiFunction,
    entry: lambdaEntryPoints.api,
    needs: [table, bucket, secrets.jwtSecret, ...allLanes, ...allDlqs],
    external: [],
  },
  // $connect authenticates and stores the connection; $default answers pings and subscriptions.
  websocket: {
    name: infraNames.websocketFunction,
    entry: lambdaEntryPoints.websocket,
    needs: [table, secrets.jwtSecret, realtime],
    external: [],
  },
  // Re-sends pending jobs of any queue; fails lapsed last attempts (and publishes that).
  sweeper: {
    name: infraNames.sweeperFunction,
    entry: lambdaEntryPoints.sweeper,
    needs: [table, realtime, ...allLanes],
    external: [],
  },
  automationTick: {
    name: infraNames.automationTickFunction,
    entry: lambdaEntryPoints.automationTick,
    needs: [table, ...lanes('automation')],
    external: [],
  },
  emailSyncTick: {
    name: infraNames.emailSyncTickFunction,
    entry: lambdaEntryPoints.emailSyncTick,
    needs: [table, ...lanes('email-sync')],
    external: [],
  },
  consumer: consumerSpec,
} as const satisfies Record<string, LambdaSpec | ((queue: QueueName) => LambdaSpec)>;

/** All specs, consumers included, e.g. for the linter and the bundler. */
export function allLambdaSpecs(): LambdaSpec[] {
  const { consumer, ...fixed } = lambdaSpecs;
  return [...Object.values(fixed), ...QUEUE_NAMES.map(consumer)];
}
