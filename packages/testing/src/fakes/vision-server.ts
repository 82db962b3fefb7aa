import { createServer, type IncomingHttpHeaders } from 'node:http';
import { listenOnLoopback, readBody } from './loopback-server';

/**
 * A local Google Cloud Vision speaking its REST surface (`POST /v1/images:annotate`,
 * `POST /v1/files:annotate`, JSON bodies, errors as `{"error": {code, message,
 * status, details}}` google.rpc.Status), so `@google-cloud/vision` with its REST
 * transport (`fallback: true`) runs end to end.
 */

export type VisionMethod = 'images:annotate' | 'files:annotate';

export interface VisionFakeRequest {
  method: VisionMethod;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: VisionRequestBody;
}

export interface VisionRequestBody {
  requests?: {
    image?: { content?: string };
    inputConfig?: { content?: string; mimeType?: string };
    features?: { type?: string | number }[];
    imageContext?: { languageHints?: string[] };
    pages?: number[];
  }[];
}

export type VisionFakeReply =
  | { body: unknown }
  /** A google.rpc.Status error; `status` is the canonical code name, `httpStatus` the HTTP one. */
  | { error: { status: string; httpStatus: number; message?: string; retryDelaySeconds?: number } };

export type VisionFakeHandler = (request: VisionFakeRequest) => VisionFakeReply | Promise<VisionFakeReply>;

export interface VisionFake {
  /** `host:port` for `apiEndpoint`/`port` with `protocol: 'http'`. */
  host: string;
  port: number;
  requests: VisionFakeRequest[];
  /** Replies used once each, in order, before the method's handler answers again. */
  script(method: VisionMethod, ...replies: VisionFakeReply[]): void;
  handle(method: VisionMethod, handler: VisionFakeHandler): void;
  stop(): Promise<void>;
}

/** DOCUMENT_TEXT_DETECTION, by name or by number (the REST client sends enums as numbers). */
const DOCUMENT_TEXT_DETECTION = new Set<string | number>(['DOCUMENT_TEXT_DETECTION', 11]);

/**
 * One AnnotateImageResponse with a full text annotation.
 *
 * @example
 * annotateImageResponse('Invoice INV-1\nTotal 10.00', { confidence: 0.98, pageNumber: 2 })
 */
export function annotateImageResponse(
  text: string,
  options: { confidence?: number; pageNumber?: number } = {},
) {
  return {
    fullTextAnnotation: {
      text: text.endsWith('\n') ? text : `${text}\n`,
      pages: [{ width: 1654, height: 2339, confidence: options.confidence ?? 0.97, blocks: [] }],
    },
    textAnnotations: [{ locale: 'en', description: text }],
    ...(options.pageNumber ? { context: { pageNumber: options.pageNumber } } : {}),
  };
}

/** A per-image error inside a 200 response, as Vision reports unreadable images. */
export function annotateImageError(code: number, message: string) {
  return { error: { code, message } };
}

function invalid(message: string): VisionFakeReply {
  return { error: { status: 'INVALID_ARGUMENT', httpStatus: 400, message } };
}

function checkFeatures(request: NonNullable<VisionRequestBody['requests']>[number]): string | undefined {
  if (!request.features?.length) return 'Request must specify image and features.';
  if (!request.features.every((f) => f.type !== undefined && DOCUMENT_TEXT_DETECTION.has(f.type))) {
    return 'The fake only implements DOCUMENT_TEXT_DETECTION.';
  }
  return undefined;
}

const DEFAULT_HANDLERS: Record<VisionMethod, VisionFakeHandler> = {
  'images:annotate': ({ body }) => {
    const requests = body.requests ?? [];
    if (requests.length === 0) return invalid('No requests.');
    for (const request of requests) {
      const problem =
        checkFeatures(request) ?? (request.image?.content ? undefined : 'Missing image content.');
      if (problem) return invalid(problem);
    }
    return { body: { responses: requests.map(() => annotateImageResponse('Fake Vision text')) } };
  },
  'files:annotate': ({ body }) => {
    const requests = body.requests ?? [];
    if (requests.length === 0) return invalid('No requests.');
    for (const request of requests) {
      const problem =
        checkFeatures(request) ?? (request.inputConfig?.content ? undefined : 'Missing file content.');
      if (problem) return invalid(problem);
      if ((request.pages?.length ?? 0) > 5) return invalid('At most 5 pages per request.');
    }
    return {
      body: {
        responses: requests.map((request) => {
          const pages = request.pages?.length ? request.pages : [1, 2, 3, 4, 5];
          return {
            inputConfig: { mimeType: request.inputConfig?.mimeType },
            responses: pages.map((page) => annotateImageResponse(`Fake page ${page}`, { pageNumber: page })),
            totalPages: Math.max(...pages),
          };
        }),
      },
    };
  },
};

/**
 * Starts the fake on a free loopback port.
 *
 * @example
 * const vision = await startVisionFake();
 * vision.script('images:annotate', { error: { status: 'RESOURCE_EXHAUSTED', httpStatus: 429, retryDelaySeconds: 30 } });
 * const client = new ImageAnnotatorClient({ fallback: true, apiEndpoint: vision.host, port: vision.port,
 *   protocol: 'http', credentials: { client_email, private_key } });
 */
export async function startVisionFake(): Promise<VisionFake> {
  const requests: VisionFakeRequest[] = [];
  const scripted = new Map<VisionMethod, VisionFakeReply[]>();
  const handlers = new Map(Object.entries(DEFAULT_HANDLERS) as [VisionMethod, VisionFakeHandler][]);

  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(body));
    };
    const rpcError = (status: string, httpStatus: number, message: string, retryDelaySeconds?: number) =>
      send(httpStatus, {
        error: {
          code: httpStatus,
          message,
          status,
          ...(retryDelaySeconds !== undefined
            ? {
                details: [
                  {
                    '@type': 'type.googleapis.com/google.rpc.RetryInfo',
                    retryDelay: `${retryDelaySeconds}s`,
                  },
                ],
              }
            : {}),
        },
      });
    try {
      const url = new URL(req.url ?? '/', 'http://fake');
      const raw = await readBody(req);
      // Both the global and the project/location-scoped paths.
      const match =
        /^\/v1\/(?:projects\/[^/]+\/(?:locations\/[^/]+\/)?)?(images:annotate|files:annotate)$/.exec(
          url.pathname,
        );
      if (req.method !== 'POST' || !match) return rpcError('NOT_FOUND', 404, `no route ${url.pathname}`);
      if (!String(req.headers.authorization ?? '').startsWith('Bearer ') && !url.searchParams.get('key')) {
        return rpcError('UNAUTHENTICATED', 401, 'Request is missing required authentication credential.');
      }
      const method = match[1] as VisionMethod;
      const request = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: (raw ? JSON.parse(raw) : {}) as VisionRequestBody,
      };
      requests.push(request);
      const queued = scripted.get(method);
      const reply = queued?.length ? queued.shift()! : await handlers.get(method)!(request);
      if ('error' in reply) {
        const { status, httpStatus, message, retryDelaySeconds } = reply.error;
        return rpcError(status, httpStatus, message ?? status, retryDelaySeconds);
      }
      return send(200, reply.body);
    } catch (error) {
      return rpcError('INTERNAL', 500, `fake failure: ${String(error)}`);
    }
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    host: '127.0.0.1',
    port,
    requests,
    script(method, ...replies) {
      scripted.set(method, [...(scripted.get(method) ?? []), ...replies]);
    },
    handle(method, handler) {
      handlers.set(method, handler);
    },
    stop: close,
  };
}
