import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { type AwsJsonCall, AwsJsonError, awsJsonService, listenOnLoopback } from './loopback-server';

/**
 * A local Amazon Textract speaking its wire protocol (AWS JSON 1.1: `POST /`,
 * `X-Amz-Target: Textract.<Operation>`, errors as `{"__type", "message"}` with a
 * 4xx/5xx status), so the real `@aws-sdk/client-textract` runs end to end.
 */

export type TextractFakeRequest = AwsJsonCall;

export type TextractFakeReply =
  | { body: unknown }
  /** An error the way Textract sends it: `type` is the exception name. */
  | { error: string; message?: string; status?: number };

export type TextractFakeHandler = (
  request: TextractFakeRequest,
) => TextractFakeReply | Promise<TextractFakeReply>;

export interface TextractFake {
  /** For `new TextractClient({ endpoint })`. */
  endpoint: string;
  /** Every request received, in order. */
  requests: TextractFakeRequest[];
  /** Replies used once each, in order, before the operation's handler answers again. */
  script(operation: string, ...replies: TextractFakeReply[]): void;
  /** Replaces the standing handler of an operation. */
  handle(operation: string, handler: TextractFakeHandler): void;
  stop(): Promise<void>;
}

/** Statuses Textract uses for its exceptions (the SDK reads the name, not the status). */
const ERROR_STATUS: Record<string, number> = {
  InternalServerError: 500,
  ThrottlingException: 400,
  ProvisionedThroughputExceededException: 400,
  AccessDeniedException: 400,
};

export interface ExpenseFieldSpec {
  text: string;
  label?: string;
  confidence?: number;
  currency?: string;
  page?: number;
  groups?: string[];
}

export interface ExpenseDocumentSpec {
  index?: number;
  /** Summary fields by Textract type, e.g. `{ TOTAL: { text: '€1.234,56', currency: 'EUR' } }`. */
  summary?: Record<string, string | ExpenseFieldSpec>;
  /** Line items, each a map of Textract type (ITEM, QUANTITY, UNIT_PRICE, PRICE) to value. */
  lineItems?: Record<string, string>[];
  /** LINE blocks by page number (1-based), in reading order. */
  lines?: Record<number, string[]>;
}

const box = { BoundingBox: { Width: 0.2, Height: 0.02, Left: 0.1, Top: 0.1 }, Polygon: [] };

function expenseField(type: string, spec: string | ExpenseFieldSpec, page: number) {
  const field = typeof spec === 'string' ? { text: spec } : spec;
  return {
    Type: { Text: type, Confidence: 99 },
    ...(field.label ? { LabelDetection: { Text: field.label, Geometry: box, Confidence: 95 } } : {}),
    ValueDetection: { Text: field.text, Geometry: box, Confidence: field.confidence ?? 97.5 },
    PageNumber: field.page ?? page,
    ...(field.currency ? { Currency: { Code: field.currency, Confidence: 90 } } : {}),
    ...(field.groups ? { GroupProperties: [{ Types: field.groups, Id: 'group-1' }] } : {}),
  };
}

/**
 * One `ExpenseDocument` as AnalyzeExpense returns it: summary fields, line item
 * groups, and PAGE/LINE blocks (ids unique, as Textract's are).
 *
 * @example
 * expenseDocument({ summary: { VENDOR_NAME: 'Acme', TOTAL: '12.00' }, lines: { 1: ['Acme', 'Total 12.00'] } })
 */
export function expenseDocument(spec: ExpenseDocumentSpec) {
  const lines = spec.lines ?? { 1: ['Invoice'] };
  const blocks: Record<string, unknown>[] = [];
  for (const [page, texts] of Object.entries(lines)) {
    blocks.push({ BlockType: 'PAGE', Id: randomUUID(), Page: Number(page), Geometry: box });
    texts.forEach((text, i) => {
      blocks.push({
        BlockType: 'LINE',
        Id: randomUUID(),
        Text: text,
        Confidence: 99 - i * 0.5,
        Page: Number(page),
        Geometry: box,
      });
    });
  }
  return {
    ExpenseIndex: spec.index ?? 1,
    SummaryFields: Object.entries(spec.summary ?? {}).map(([type, field]) => expenseField(type, field, 1)),
    LineItemGroups: [
      {
        LineItemGroupIndex: 1,
        LineItems: (spec.lineItems ?? []).map((item) => ({
          LineItemExpenseFields: Object.entries(item).map(([type, text]) => expenseField(type, text, 1)),
        })),
      },
    ],
    Blocks: blocks,
  };
}

/** The body of a successful AnalyzeExpense. */
export function analyzeExpenseReply(documents: ReturnType<typeof expenseDocument>[], pages = 1) {
  return {
    DocumentMetadata: { Pages: pages },
    ExpenseDocuments: documents,
    AnalyzeExpenseModelVersion: '1.0',
  };
}

/** The body of GetExpenseAnalysis for a job in any state. */
export function getExpenseAnalysisReply(
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'PARTIAL_SUCCESS',
  options: {
    documents?: ReturnType<typeof expenseDocument>[];
    pages?: number;
    nextToken?: string;
    message?: string;
  } = {},
) {
  return {
    JobStatus: status,
    DocumentMetadata: { Pages: options.pages ?? 1 },
    ...(options.documents ? { ExpenseDocuments: options.documents } : {}),
    ...(options.nextToken ? { NextToken: options.nextToken } : {}),
    ...(options.message ? { StatusMessage: options.message } : {}),
    AnalyzeExpenseModelVersion: '1.0',
  };
}

const DEFAULT_DOCUMENT = expenseDocument({
  summary: { VENDOR_NAME: 'Fake Vendor Ltd', TOTAL: { text: '10.00', currency: 'USD' } },
  lines: { 1: ['Fake Vendor Ltd', 'Total 10.00'] },
});

function validationError(message: string): TextractFakeReply {
  return { error: 'InvalidParameterException', message };
}

/** What the real service checks before it looks at a document. */
const DEFAULT_HANDLERS: Record<string, TextractFakeHandler> = {
  AnalyzeExpense: ({ body }) => {
    const document = body.Document as { Bytes?: string; S3Object?: unknown } | undefined;
    if (!document || (!document.Bytes && !document.S3Object)) return validationError('Document is required');
    return { body: analyzeExpenseReply([DEFAULT_DOCUMENT]) };
  },
  StartExpenseAnalysis: ({ body }) => {
    const location = body.DocumentLocation as { S3Object?: { Bucket?: string; Name?: string } } | undefined;
    if (!location?.S3Object?.Bucket || !location.S3Object.Name)
      return validationError('DocumentLocation is required');
    return { body: { JobId: `job-${location.S3Object.Name.length}-${Date.now().toString(36)}` } };
  },
  GetExpenseAnalysis: ({ body }) => {
    if (typeof body.JobId !== 'string') return validationError('JobId is required');
    return { body: getExpenseAnalysisReply('SUCCEEDED', { documents: [DEFAULT_DOCUMENT] }) };
  },
};

/**
 * Starts the fake on a free loopback port. Operations answer with canned
 * success bodies unless scripted (`script`) or replaced (`handle`).
 *
 * @example
 * const textract = await startTextractFake();
 * textract.script('AnalyzeExpense', { error: 'ThrottlingException', message: 'Rate exceeded' });
 * const client = new TextractClient({ endpoint: textract.endpoint, region: 'us-east-1', maxAttempts: 1,
 *   credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
 */
export async function startTextractFake(): Promise<TextractFake> {
  const requests: TextractFakeRequest[] = [];
  const scripted = new Map<string, TextractFakeReply[]>();
  const handlers = new Map(Object.entries(DEFAULT_HANDLERS));

  const server = createServer(
    awsJsonService(
      {
        targetPrefix: 'Textract',
        unknownTargetStatus: 404,
        requireContentType: true,
        internalErrorType: 'InternalServerError',
      },
      async (request) => {
        requests.push(request);
        const queued = scripted.get(request.operation);
        const handler = handlers.get(request.operation);
        const reply = queued?.length ? queued.shift()! : handler ? await handler(request) : undefined;
        if (!reply) throw new AwsJsonError('UnknownOperationException', request.operation);
        if ('error' in reply) {
          throw new AwsJsonError(
            reply.error,
            reply.message ?? reply.error,
            reply.status ?? ERROR_STATUS[reply.error] ?? 400,
          );
        }
        return reply.body;
      },
    ),
  );
  const listener = await listenOnLoopback(server);
  return {
    endpoint: listener.url,
    requests,
    script(operation, ...replies) {
      scripted.set(operation, [...(scripted.get(operation) ?? []), ...replies]);
    },
    handle(operation, handler) {
      handlers.set(operation, handler);
    },
    stop: listener.close,
  };
}
