import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { listenOnLoopback, readBody } from './loopback-server';

/**
 * A local AWS Lambda control plane for event source mappings, speaking its wire
 * protocol (REST-JSON under `/2015-03-31/`, errors named by `x-amzn-errortype`):
 * `ListEventSourceMappings` (`GET /event-source-mappings/`, filtered by function and
 * paged with `Marker`/`MaxItems`) and `UpdateEventSourceMapping`
 * (`PUT /event-source-mappings/{UUID}`), so the real `@aws-sdk/client-lambda` runs
 * end to end.
 *
 * Like Lambda, enabling or disabling a mapping leaves it `Enabling` / `Disabling`
 * for a while, and an update in such a state is refused with
 * `ResourceInUseException`; {@link LambdaFake.settle} ends the transitions.
 */

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const BASE = '/2015-03-31/event-source-mappings';
const TRANSITIONAL = new Set(['Creating', 'Enabling', 'Disabling', 'Updating', 'Deleting']);

export type EventSourceMappingState = 'Enabled' | 'Disabled' | 'Enabling' | 'Disabling' | 'Updating';

export interface LambdaFakeMapping {
  UUID: string;
  FunctionArn: string;
  EventSourceArn: string;
  State: EventSourceMappingState;
  BatchSize: number;
  /** Epoch seconds, as Lambda sends it. */
  LastModified: number;
  StateTransitionReason: string;
}

export interface LambdaFake {
  /** For `new LambdaClient({ endpoint })`. */
  endpoint: string;
  /** The ARN the fake gives a function name. */
  functionArn(name: string): string;
  /** Registers a function with an event source mapping (Enabled unless told); returns its UUID. */
  addMapping(functionName: string, eventSourceArn: string, state?: EventSourceMappingState): string;
  /** Registers a function with no mappings (listing it answers an empty list, not a 404). */
  addFunction(functionName: string): void;
  mapping(uuid: string): LambdaFakeMapping | undefined;
  /** Ends every transition: Enabling → Enabled, Disabling → Disabled, Updating → its last target. */
  settle(): void;
  /** The next `count` requests fail with this error (e.g. `TooManyRequestsException`, status 429). */
  failNext(error: string, options?: { count?: number; status?: number }): void;
  /** Every request as `METHOD /path?query`, in order. */
  requests: string[];
  stop(): Promise<void>;
}

export interface LambdaFakeOptions {
  /** Mappings per list page when the request sets no (smaller) `MaxItems`; Lambda's maximum is 100. */
  pageSize?: number;
}

class LambdaError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Starts the fake on a free loopback port.
 *
 * @example
 * const lambda = await startLambdaFake();
 * const uuid = lambda.addMapping('paperlane-ThumbnailConsumer', 'arn:aws:sqs:us-east-1:000000000000:thumbnail');
 * const client = new LambdaClient({ endpoint: lambda.endpoint, region: 'us-east-1',
 *   credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
 */
export async function startLambdaFake(options: LambdaFakeOptions = {}): Promise<LambdaFake> {
  const pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100));
  const functions = new Set<string>();
  const mappings = new Map<string, LambdaFakeMapping>();
  /** Where an `Updating` mapping ends up. */
  const targets = new Map<string, 'Enabled' | 'Disabled'>();
  const failures: { error: string; status: number }[] = [];
  const requests: string[] = [];

  const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
  /** A name, a full ARN or a partial ARN (`account:function:name`), as Lambda accepts them. */
  const functionNameOf = (input: string) => {
    const match =
      /^(?:arn:aws:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?([A-Za-z0-9_-]{1,64})$/.exec(input);
    if (!match?.[1]) {
      throw new LambdaError(
        'InvalidParameterValueException',
        `1 validation error detected: Value '${input}' at 'functionName' failed to satisfy constraint`,
        400,
      );
    }
    return match[1];
  };

  const list = (query: URLSearchParams) => {
    let items = [...mappings.values()];
    const fnParam = query.get('FunctionName');
    if (fnParam !== null) {
      const name = functionNameOf(fnParam);
      if (!functions.has(name)) {
        throw new LambdaError('ResourceNotFoundException', `Function not found: ${functionArn(name)}`, 404);
      }
      items = items.filter((m) => m.FunctionArn === functionArn(name));
    }
    const source = query.get('EventSourceArn');
    if (source !== null) items = items.filter((m) => m.EventSourceArn === source);
    const start = Number(query.get('Marker') ?? 0);
    const maxItems = Number(query.get('MaxItems') ?? pageSize);
    if (!Number.isInteger(start) || start < 0 || !Number.isInteger(maxItems) || maxItems < 1) {
      throw new LambdaError('InvalidParameterValueException', 'invalid Marker or MaxItems', 400);
    }
    const size = Math.min(maxItems, pageSize);
    const page = items.slice(start, start + size);
    return {
      EventSourceMappings: page,
      ...(start + size < items.length ? { NextMarker: String(start + size) } : {}),
    };
  };

  const update = (uuid: string, body: Record<string, unknown>) => {
    const mapping = mappings.get(uuid);
    if (!mapping) {
      throw new LambdaError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
    }
    if (TRANSITIONAL.has(mapping.State)) {
      throw new LambdaError(
        'ResourceInUseException',
        `Cannot update the event source mapping '${uuid}' because it is in use (${mapping.State}).`,
        400,
      );
    }
    if (body.Enabled !== undefined && typeof body.Enabled !== 'boolean') {
      throw new LambdaError('InvalidParameterValueException', 'Enabled must be a boolean', 400);
    }
    if (body.BatchSize !== undefined) mapping.BatchSize = Number(body.BatchSize);
    if (body.Enabled === true && mapping.State === 'Disabled') mapping.State = 'Enabling';
    else if (body.Enabled === false && mapping.State === 'Enabled') mapping.State = 'Disabling';
    else {
      targets.set(uuid, mapping.State === 'Disabled' ? 'Disabled' : 'Enabled');
      mapping.State = 'Updating';
    }
    mapping.LastModified = Date.now() / 1000;
    mapping.StateTransitionReason = 'USER_INITIATED';
    return mapping;
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, error: LambdaError) => {
    res.writeHead(error.status, {
      'content-type': 'application/json',
      'x-amzn-requestid': randomUUID(),
      'x-amzn-errortype': `${error.type}:http://internal.amazon.com/coral/com.amazonaws.awslambda/`,
    });
    res.end(JSON.stringify({ Type: 'User', message: error.message }));
  };

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    try {
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
        throw new LambdaError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
      }
      const failure = failures.shift();
      if (failure) throw new LambdaError(failure.error, 'injected failure', failure.status);
      const path = url.pathname.replace(/\/+$/, '');
      if (req.method === 'GET' && path === BASE) return send(res, 200, list(url.searchParams));
      const one = /^\/2015-03-31\/event-source-mappings\/([^/]+)$/.exec(path);
      if (req.method === 'PUT' && one?.[1]) {
        let body: Record<string, unknown>;
        try {
          body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        } catch {
          throw new LambdaError('InvalidRequestContentException', 'Could not parse request body', 400);
        }
        return send(res, 202, update(decodeURIComponent(one[1]), body));
      }
      throw new LambdaError(
        'UnknownOperationException',
        `no operation at ${req.method} ${url.pathname}`,
        404,
      );
    } catch (error) {
      if (error instanceof LambdaError) return fail(res, error);
      return fail(res, new LambdaError('ServiceException', String(error), 500));
    }
  });
  server.keepAliveTimeout = 1_000;
  const { url, close } = await listenOnLoopback(server);

  return {
    endpoint: url,
    functionArn,
    addFunction(name) {
      functions.add(functionNameOf(name));
    },
    addMapping(functionName, eventSourceArn, state = 'Enabled') {
      const name = functionNameOf(functionName);
      functions.add(name);
      const uuid = randomUUID();
      mappings.set(uuid, {
        UUID: uuid,
        FunctionArn: functionArn(name),
        EventSourceArn: eventSourceArn,
        State: state,
        BatchSize: 10,
        LastModified: Date.now() / 1000,
        StateTransitionReason: 'USER_INITIATED',
      });
      return uuid;
    },
    mapping: (uuid) => mappings.get(uuid),
    settle() {
      for (const mapping of mappings.values()) {
        if (mapping.State === 'Enabling') mapping.State = 'Enabled';
        else if (mapping.State === 'Disabling') mapping.State = 'Disabled';
        else if (mapping.State === 'Updating') mapping.State = targets.get(mapping.UUID) ?? 'Enabled';
      }
    },
    failNext(error, { count = 1, status = 400 } = {}) {
      for (let i = 0; i < count; i++) failures.push({ error, status });
    },
    requests,
    stop: close,
  };
}
