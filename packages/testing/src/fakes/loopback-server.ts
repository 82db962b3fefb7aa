import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The parts every fake cloud API here shares: reading a request body, listening on a
 * free loopback port and closing with its keep-alive connections, and the AWS JSON 1.1
 * protocol (`POST /`, `X-Amz-Target: <Service>.<Operation>`, errors as `{"__type", "message"}`).
 */

/** The whole request body as UTF-8. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface LoopbackListener {
  port: number;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Closes the server, its keep-alive connections included (the SDKs keep some open); again is a no-op. */
  close(): Promise<void>;
}

/**
 * Listens on a free port (or `port`) on 127.0.0.1.
 *
 * @example
 * const { url, close } = await listenOnLoopback(createServer(handler));
 */
export async function listenOnLoopback(server: Server, port = 0): Promise<LoopbackListener> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) =>
          error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING'
            ? reject(error)
            : resolve(),
        );
      }),
  };
}

/** An AWS JSON error: thrown by an operation, sent as `{"__type": type, "message"}` with `status`. */
export class AwsJsonError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface AwsJsonCall {
  operation: string;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

export interface AwsJsonServiceOptions {
  /** The `X-Amz-Target` prefix, e.g. `TrentService` (KMS) or `Textract`. */
  targetPrefix: string;
  /** What the service answers a request with another target or method. */
  unknownTargetStatus: number;
  /** Refuse a body that is not `application/x-amz-json-1.1` (Textract does). */
  requireContentType?: boolean;
  /** The `__type` of an unexpected failure in the fake itself (status 500). */
  internalErrorType: string;
}

/**
 * A request listener speaking AWS JSON 1.1: it checks the target, a SigV4 `authorization`
 * header and (optionally) the content type, parses the body, and sends what `run` returns
 * with status 200, or the `AwsJsonError` it throws.
 *
 * @example
 * const server = createServer(awsJsonService({ targetPrefix: 'TrentService', unknownTargetStatus: 400,
 *   internalErrorType: 'KMSInternalException' }, async ({ operation, body }) => ({ KeyId: 'k' })));
 */
export function awsJsonService(
  options: AwsJsonServiceOptions,
  run: (call: AwsJsonCall) => unknown,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const prefix = `${options.targetPrefix}.`;
  return async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': 'fake-request',
      });
      res.end(JSON.stringify(body));
    };
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      const raw = await readBody(req);
      if (req.method !== 'POST' || !target.startsWith(prefix)) {
        throw new AwsJsonError('UnknownOperationException', target, options.unknownTargetStatus);
      }
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
        throw new AwsJsonError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      }
      if (
        options.requireContentType &&
        !String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1')
      ) {
        throw new AwsJsonError('SerializationException', 'Unsupported content type');
      }
      let body: Record<string, unknown>;
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        throw new AwsJsonError('SerializationException', 'The request body is not valid JSON');
      }
      send(200, await run({ operation: target.slice(prefix.length), body, headers: req.headers }));
    } catch (error) {
      if (error instanceof AwsJsonError)
        return send(error.status, { __type: error.type, message: error.message });
      send(500, { __type: options.internalErrorType, message: `fake failure: ${String(error)}` });
    }
  };
}
