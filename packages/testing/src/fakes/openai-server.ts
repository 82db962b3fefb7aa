import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { listenOnLoopback, readBody } from './loopback-server';

/**
 * A local OpenAI speaking the Chat Completions wire format (`POST /v1/chat/completions`,
 * bearer auth, errors as `{"error": {message, type, param, code}}`, `Retry-After` on 429),
 * so the real `openai` SDK runs end to end. Replies are scripted: a queue used once each,
 * then a standing handler. Usage figures are computed from the request and reply text the
 * way a tokenizer roughly would (~4 characters a token), so callers see realistic numbers.
 */

export interface OpenAiFakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (`{}` when it was not JSON). */
  body: Record<string, unknown>;
}

export interface OpenAiFakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type OpenAiFakeReply =
  /** An assistant message with this text content. */
  | { content: string; finishReason?: 'stop' | 'length' | 'content_filter'; usage?: Partial<OpenAiFakeUsage> }
  /** An assistant message whose content is `JSON.stringify(json)`. */
  | { json: unknown; usage?: Partial<OpenAiFakeUsage> }
  /** A structured-outputs refusal: `content: null`, `refusal: <text>`. */
  | { refusal: string }
  /** An API error; `retryAfter` becomes the `Retry-After` header (seconds or an HTTP date). */
  | {
      error: { status: number; message?: string; type?: string; code?: string | null };
      retryAfter?: string;
      retryAfterMs?: number;
    }
  /** Any body at all, e.g. a truncated JSON document or an HTML error page from a proxy. */
  | { raw: string; status?: number; contentType?: string }
  /** Never answers; the connection stays open until the client gives up or the fake closes. */
  | { hang: true };

export type OpenAiFakeHandler = (request: OpenAiFakeRequest) => OpenAiFakeReply | Promise<OpenAiFakeReply>;

export interface OpenAiFakeOptions {
  /** Only this key is accepted (401 `invalid_api_key` otherwise); any non-empty bearer when unset. */
  apiKey?: string;
}

export interface OpenAiFake {
  /** For `new OpenAI({ baseURL })`: ends in `/v1`. */
  baseUrl: string;
  /** Every authenticated chat-completions request, in order. */
  requests: OpenAiFakeRequest[];
  /** Queues replies, used once each in order before the standing handler answers again. */
  reply(...replies: OpenAiFakeReply[]): void;
  /** Replaces the standing handler (the default answers `ok`). */
  handle(handler: OpenAiFakeHandler): void;
  close(): Promise<void>;
}

/** One positioned line of a layout prompt, with the page it is on. */
export interface OpenAiFakeLine {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
  text: string;
}

/**
 * The positioned lines a request's user messages carry (`x,y,w,h|text` lines under
 * `--- page N ---` headings, the layout Paperlane's extraction prompt sends), so a handler
 * can answer from positions as a model reading the layout would, and a test can prove the
 * positions reached the provider. Empty when the prompt was flat text.
 *
 * @example
 * openai.handle((request) => {
 *   const [top] = positionedLines(request).sort((a, b) => a.y - b.y);
 *   return { json: { vendorName: top?.text ?? null } };
 * });
 */
export function positionedLines(request: OpenAiFakeRequest): OpenAiFakeLine[] {
  const messages = Array.isArray(request.body.messages) ? request.body.messages : [];
  const lines: OpenAiFakeLine[] = [];
  for (const message of messages) {
    const { role, content } = message as { role?: unknown; content?: unknown };
    if (role !== 'user' || typeof content !== 'string') continue;
    let page = 0;
    for (const line of content.split('\n')) {
      const heading = /^--- page (\d+) ---$/.exec(line);
      if (heading) {
        page = Number(heading[1]);
        continue;
      }
      const box = /^(-?\d+),(-?\d+),(\d+),(\d+)\|(.*)$/.exec(line);
      if (box && page > 0) {
        const [x, y, width, height] = box.slice(1, 5).map(Number) as [number, number, number, number];
        lines.push({ page, x, y, width, height, text: box[5] ?? '' });
      }
    }
  }
  return lines;
}

/** Roughly what OpenAI's tokenizers give for European text; only used to make usage plausible. */
export function approximateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function promptText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return messages
    .map((message) => {
      const content = (message as { content?: unknown }).content;
      return typeof content === 'string' ? content : JSON.stringify(content ?? '');
    })
    .join('\n');
}

function completionBody(
  request: OpenAiFakeRequest,
  message: { content: string | null; refusal: string | null },
  finishReason: string,
  usage: Partial<OpenAiFakeUsage> = {},
) {
  // Each message costs a few tokens of framing on top of its text, as on the real API.
  const messageCount = Array.isArray(request.body.messages) ? request.body.messages.length : 0;
  const prompt = usage.prompt_tokens ?? approximateTokens(promptText(request.body)) + 4 * messageCount;
  const completion = usage.completion_tokens ?? approximateTokens(message.content ?? message.refusal ?? '');
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: typeof request.body.model === 'string' ? request.body.model : 'unknown',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: message.content, refusal: message.refusal, annotations: [] },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: usage.total_tokens ?? prompt + completion,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}

function errorBody(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  404: 'invalid_request_error',
  429: 'requests',
  500: 'server_error',
  503: 'server_error',
};

/**
 * The strict-mode rules the real API enforces before generating anything: every object
 * closes `additionalProperties` and lists every property in `required`. Returns the first
 * violation, phrased like the API's 400, or undefined.
 */
export function strictSchemaViolation(schema: unknown, path = '(root)'): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const node = schema as Record<string, unknown>;
  const properties = node.properties;
  if (typeof properties === 'object' && properties !== null) {
    if (node.additionalProperties !== false) {
      return `In context=${path}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const required = Array.isArray(node.required) ? node.required : [];
    const missing = Object.keys(properties).find((key) => !required.includes(key));
    if (missing) {
      return `In context=${path}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
    }
  }
  for (const [key, child] of Object.entries(node)) {
    const children =
      key === 'properties' || key === '$defs' || key === 'definitions' ? Object.entries(child as object) : [];
    for (const [name, value] of children) {
      const found = strictSchemaViolation(value, `${path}.${name}`);
      if (found) return found;
    }
    if (key === 'items' || key === 'anyOf') {
      for (const value of Array.isArray(child) ? child : [child]) {
        const found = strictSchemaViolation(value, `${path}.${key}`);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function responseFormatViolation(body: Record<string, unknown>): string | undefined {
  const format = body.response_format as
    | { type?: unknown; json_schema?: Record<string, unknown> }
    | undefined;
  if (format?.type !== 'json_schema') return undefined;
  const spec = format.json_schema;
  if (!spec || typeof spec.name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(spec.name)) {
    return "Invalid 'response_format.json_schema.name'.";
  }
  if (spec.strict !== true) return undefined;
  const problem = strictSchemaViolation(spec.schema);
  return problem ? `Invalid schema for response_format '${spec.name}': ${problem}` : undefined;
}

function parseJson(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-request-id': `req_${randomUUID().replaceAll('-', '')}`,
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function answer(res: ServerResponse, request: OpenAiFakeRequest, reply: OpenAiFakeReply) {
  if ('hang' in reply) return;
  if ('raw' in reply) {
    res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json' });
    res.end(reply.raw);
    return;
  }
  if ('error' in reply) {
    const { status, message, type, code } = reply.error;
    const headers: Record<string, string> = {};
    if (reply.retryAfter !== undefined) headers['retry-after'] = reply.retryAfter;
    if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
    send(
      res,
      status,
      errorBody(message ?? `fake error ${status}`, type ?? ERROR_TYPES[status] ?? 'api_error', code ?? null),
      headers,
    );
    return;
  }
  if ('refusal' in reply) {
    send(res, 200, completionBody(request, { content: null, refusal: reply.refusal }, 'stop'));
    return;
  }
  const content = 'json' in reply ? JSON.stringify(reply.json) : reply.content;
  const finish = 'finishReason' in reply ? (reply.finishReason ?? 'stop') : 'stop';
  send(res, 200, completionBody(request, { content, refusal: null }, finish, reply.usage));
}

/**
 * Starts the fake on a free loopback port.
 *
 * @example
 * const openai = await startFakeOpenAi();
 * openai.reply({ json: { vendorName: 'Acme' } }, { error: { status: 429 }, retryAfter: '2' });
 * const client = new OpenAI({ baseURL: openai.baseUrl, apiKey: 'test', maxRetries: 0 });
 */
export async function startFakeOpenAi(options: OpenAiFakeOptions = {}): Promise<OpenAiFake> {
  const requests: OpenAiFakeRequest[] = [];
  const queued: OpenAiFakeReply[] = [];
  let handler: OpenAiFakeHandler = () => ({ content: 'ok' });

  const server = createServer(async (req, res) => {
    try {
      const raw = await readBody(req);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (req.method !== 'POST' || path !== '/v1/chat/completions') {
        return send(
          res,
          404,
          errorBody(`Unknown request URL: ${req.method} ${path}`, 'invalid_request_error', 'unknown_url'),
        );
      }
      const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      if (!bearer || (options.apiKey !== undefined && bearer !== options.apiKey)) {
        // The real API echoes a masked key; the fake echoes nothing, so no test can leak one.
        return send(
          res,
          401,
          errorBody('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'),
        );
      }
      const body = parseJson(raw);
      if (!body) {
        return send(
          res,
          400,
          errorBody('We could not parse the JSON body of your request.', 'invalid_request_error', null),
        );
      }
      if (typeof body.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0) {
        return send(
          res,
          400,
          errorBody('model and messages are required.', 'invalid_request_error', null, 'messages'),
        );
      }
      const schemaProblem = responseFormatViolation(body);
      if (schemaProblem) {
        return send(res, 400, errorBody(schemaProblem, 'invalid_request_error', null, 'response_format'));
      }
      const request: OpenAiFakeRequest = { method: req.method, path, headers: req.headers, body };
      requests.push(request);
      const reply = queued.length > 0 ? queued.shift()! : await handler(request);
      return answer(res, request, reply);
    } catch (error) {
      return send(res, 500, errorBody(`fake failure: ${String(error)}`, 'server_error', null));
    }
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    reply(...replies) {
      queued.push(...replies);
    },
    handle(next) {
      handler = next;
    },
    close,
  };
}
