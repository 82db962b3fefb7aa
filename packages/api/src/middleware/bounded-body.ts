import { assertJsonShape, assertJsonTextDepth, type JsonShapeLimits } from '@paperlane/core';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import type { RouteBody } from '../routes/route-body-limit';

/** What a request body may be: bytes per route, and the shape of any JSON body. */
export interface BodyLimits extends JsonShapeLimits {
  /** Any body on a route that sets no larger limit of its own (JSON routes). */
  maxBytes: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = { maxBytes: 1024 * 1024, maxDepth: 32, maxEntries: 10_000 };

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

export function payloadTooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'payload_too_large', `the request body exceeds ${maxBytes} bytes`);
}

/**
 * Yields the request body's chunks and throws `tooLarge()` the moment their total
 * passes `maxBytes`, having stopped reading: a declared Content-Length over the limit
 * is refused before the first byte. Nothing is kept here, so memory stays at one
 * chunk whatever the client sends (the Node server drains or drops the rest).
 *
 * @example for await (const chunk of readBodyChunks(c.req.raw, 1024, () => payloadTooLarge(1024))) ...
 */
export async function* readBodyChunks(
  request: Request,
  maxBytes: number,
  tooLarge: () => Error,
): AsyncGenerator<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) return;
  const reader = request.body.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > maxBytes) throw tooLarge();
      yield value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** The body as bytes, refused past `maxBytes` without reading further. */
export async function readBoundedBody(
  request: Request,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of readBodyChunks(request, maxBytes, tooLarge)) {
    chunks.push(chunk);
    total += chunk.byteLength;
  }
  return Buffer.concat(chunks, total);
}

/**
 * Every JSON body at the boundary (routes that read raw files excepted): read up to
 * the route's `maxBytes` (413 `payload_too_large`),
 * nesting checked on the text before it is parsed (400 `json_too_deep`), keys and
 * elements counted after (400 `json_too_many_entries`), then handed to the route's
 * validator from Hono's body cache so it is not read twice. Bodies of other types
 * pass to their routes, which read them with their own limits.
 */
export function boundedJson(limits: JsonShapeLimits, routeBody: (c: Context<ApiEnv>) => RouteBody) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!c.req.raw.body || !JSON_MEDIA_TYPE.test(type)) return next();
    const { maxBytes: max, raw } = routeBody(c);
    if (raw) return next();
    const bytes = await readBoundedBody(c.req.raw, max, () => payloadTooLarge(max));
    const text = new TextDecoder().decode(bytes);
    assertJsonTextDepth(text, limits.maxDepth);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'malformed_body', 'the request body is not valid JSON');
    }
    assertJsonShape(parsed, limits);
    // Hono keeps a body read as a promise per type; its declared type does not say so.
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
    await next();
  });
}

/**
 * A ceiling for every request whatever its type: a declared Content-Length over
 * the route's `maxBytes` is answered 413 at once. Chunked bodies are counted by whichever
 * reader consumes them ({@link readBodyChunks}); a body nobody reads is drained or
 * dropped by the server, never buffered.
 */
export function requestSizeCeiling(routeBody: (c: Context<ApiEnv>) => RouteBody) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    const max = routeBody(c).maxBytes;
    const declared = Number(c.req.header('content-length') ?? Number.NaN);
    if (declared > max) throw payloadTooLarge(max);
    await next();
  });
}
