import { gunzipSync, gzipSync } from 'node:zlib';
import type { Clock } from '@paperlane/core';
import {
  type ClaimOutcome,
  type IdempotencyStore,
  idempotencyKeySchema,
  type StoredResponse,
} from '@paperlane/store';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';
import { createBodyHasher, requestFingerprint } from './request-fingerprint';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';

/** How long a claim holds while its request runs; far beyond any API request (API Gateway stops at 30 s). */
export const DEFAULT_IDEMPOTENCY_LEASE_MS = 5 * 60_000;

/** A stored body is gzipped into the key's item, which DynamoDB caps at 400 KB. */
const MAX_STORED_BODY_BYTES = 350_000;

/** Response headers a client acts on; the rest (request ids, dates) belong to each answer. */
const KEPT_HEADERS = ['content-type', 'location'];

/**
 * Answers that describe the moment, not the request (a conflict with current state, a
 * rate limit), and server errors: the key is released so a retry runs for real.
 */
const RELEASED_STATUSES = new Set([408, 409, 425, 429]);

/**
 * The header, documented on each route as an OpenAPI parameter (`parameters`), not
 * a request validator: a validator would make every typed-client call pass `header`.
 */
export const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header' as const,
  required: false,
  schema: {
    type: 'string' as const,
    minLength: 1,
    maxLength: 255,
  },
  description: 'Replays the first answer for 24 h',
};

export interface IdempotencyDeps {
  store: { idempotency: IdempotencyStore };
  clock: Clock;
}

export interface IdempotencyOptions {
  /**
   * `json` (default): the body was read at the boundary (or is small) and is hashed
   * before the route runs. `stream`: the route reads the body itself (multipart files);
   * it is hashed as it streams past, and the key is claimed when its last byte has
   * been read, before the route can act on it.
   */
  body?: 'json' | 'stream';
  leaseMs?: number;
}

/** Thrown into a streamed body whose key holds a finished response; the middleware answers with it. */
class ReplayInstead extends HttpError {
  constructor(readonly stored: StoredResponse) {
    super(409, 'idempotent_replay', 'replay');
  }
}

/**
 * `Idempotency-Key` for an enqueueing route: one effect per tenant and key, however
 * many times or processes the request arrives at. The first request claims the key
 * (one conditional put shared by every API process) and its response is stored;
 * a repeat within 24 h gets that response again with `Idempotent-Replayed: true`.
 * Without the header the route runs as before.
 *
 * @example app.use('/api/jobs/:job_id/retry', limitPerTenant(deps.rateLimiter), idempotent(deps));
 */
export function idempotent(deps: IdempotencyDeps, options: IdempotencyOptions = {}) {
  const leaseMs = options.leaseMs ?? DEFAULT_IDEMPOTENCY_LEASE_MS;

  return createMiddleware<ApiEnv>(async (c, next) => {
    const header = c.req.header(IDEMPOTENCY_HEADER);
    if (header === undefined || c.req.method !== 'POST') return next();
    const parsed = idempotencyKeySchema().safeParse(header);
    if (!parsed.success) {
      throw new HttpError(400, 'invalid_idempotency_key', '1-255 visible ASCII characters');
    }
    const key = parsed.data;
    const { tenantId } = c.get('principal');
    const url = new URL(c.req.url);
    const target = `${url.pathname}${url.search}`;
    let claimId: string | undefined;
    const claim = async (bodyDigest: string): Promise<ClaimOutcome> => {
      const fingerprint = requestFingerprint(c.req.method, target, bodyDigest);
      const outcome = await deps.store.idempotency.claim({
        tenantId,
        key,
        fingerprint,
        now: deps.clock.now(),
        leaseMs,
      });
      if (outcome.kind === 'claimed') claimId = outcome.claimId;
      return outcome;
    };

    if (options.body === 'stream') {
      c.req.raw = gateBody(c.req.raw, async (digest) => {
        const outcome = await claim(digest);
        if (outcome.kind === 'replay') throw new ReplayInstead(outcome.response);
        if (outcome.kind !== 'claimed') throw refusal(outcome);
      });
      await next();
      if (c.error instanceof ReplayInstead) c.res = replay(c.error.stored);
    } else {
      const outcome = await claim(await digestBody(c));
      if (outcome.kind === 'replay') return replay(outcome.response);
      if (outcome.kind !== 'claimed') throw refusal(outcome);
      await next();
    }
    // No claim: the route refused the request before reading all of it (nothing happened).
    if (claimId === undefined) return;
    const ref = { tenantId, key, claimId };
    try {
      if (c.res.status >= 500 || RELEASED_STATUSES.has(c.res.status)) {
        await deps.store.idempotency.release(ref);
      } else {
        const stored = await toStored(c.res);
        if (!(await deps.store.idempotency.complete({ ...ref, response: stored }))) {
          c.get('logger').warn('idempotency claim lost', {});
        }
      }
    } catch (error) {
      // The effect happened and the caller gets its answer; a retry after the lease would run again.
      c.get('logger').warn('idempotency claim lost', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  });
}

function refusal(outcome: Exclude<ClaimOutcome, { kind: 'claimed' | 'replay' }>): HttpError {
  if (outcome.kind === 'mismatch') {
    return new HttpError(422, 'idempotency_key_reused', 'key used for another request');
  }
  // Requests take seconds: ask again soon, not when a dead holder's lease lapses.
  return new HttpError(409, 'idempotency_request_in_progress', 'key in use; retry shortly', undefined, {
    'retry-after': '2',
  });
}

/**
 * The body of a JSON route as the boundary read it (`boundedJson` caches the text).
 * A body of another type is never read by these routes, so it cannot change what
 * they do: it hashes as empty.
 */
async function digestBody(c: Context<ApiEnv>): Promise<string> {
  const hasher = createBodyHasher();
  const text = (c.req.bodyCache as { text?: Promise<string> }).text;
  if (text) hasher.update(Buffer.from(await text, 'utf8'));
  return hasher.digest();
}

/**
 * The request with its body passed through a hasher; when the last byte has been
 * read, `atEnd` runs before the reader sees the end, and whatever it throws is what
 * the reader gets instead. Nothing is buffered here.
 */
function gateBody(request: Request, atEnd: (digest: string) => Promise<void>): Request {
  if (!request.body) return request;
  const hasher = createBodyHasher(request.headers.get('content-type') ?? undefined);
  const gate = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      hasher.update(chunk);
      controller.enqueue(chunk);
    },
    flush: () => atEnd(hasher.digest()),
  });
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body.pipeThrough(gate),
    signal: request.signal,
    duplex: 'half',
  } as RequestInit);
}

async function toStored(response: Response): Promise<StoredResponse> {
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const body = gzipSync(new Uint8Array(await response.clone().arrayBuffer()));
  // Too large for the item (thousands of jobs): the replay keeps the status and headers, not the body.
  if (body.byteLength > MAX_STORED_BODY_BYTES) return { status: response.status, headers };
  return { status: response.status, headers, body: new Uint8Array(body) };
}

function replay(stored: StoredResponse): Response {
  const headers = new Headers(stored.headers);
  headers.set(REPLAYED_HEADER, 'true');
  return new Response(stored.body ? gunzipSync(stored.body) : null, { status: stored.status, headers });
}
