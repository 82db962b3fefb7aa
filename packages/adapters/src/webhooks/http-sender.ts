import {
  type ClientRequest,
  type Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TraceContext } from '@paperlane/core';
import { type CheckedAddressPool, createCheckedAddressPool } from '../net/checked-address-pool';
import type { AllowedHost } from '../net/host-allowlist';
import {
  type HostResolver,
  type ResolvedAddress,
  ResolveError,
  resolvePublicAddress,
  UnsafeAddressError,
} from '../net/resolve-public-address';
import { urlVerdictMemo } from '../net/url-verdict-memo';

export interface WebhookHttpRequest {
  url: string;
  /** The exact bytes that were signed. */
  body: string;
  headers: Record<string, string>;
  signal?: AbortSignal;
  /** The span the POST belongs to (the delivery job's attempt); `instrumentedWebhookSender` sends a child of it. */
  parent?: TraceContext;
}

export type WebhookHttpResult =
  | {
      kind: 'response';
      statusCode: number;
      /** The raw `Retry-After` header, when given. */
      retryAfter?: string;
      /** The first bytes of the body (UTF-8, at most `maxResponseBytes`). */
      bodyExcerpt: string;
      durationMs: number;
    }
  | {
      kind: 'failure';
      /** `unsafe_url` (SSRF policy), `dns_failed`, `timeout`, `aborted` or `connection_failed`. */
      code: 'unsafe_url' | 'dns_failed' | 'timeout' | 'aborted' | 'connection_failed';
      message: string;
      durationMs: number;
    };

/** Sends one signed webhook request; never throws for network outcomes. */
export interface WebhookHttpSender {
  send(request: WebhookHttpRequest): Promise<WebhookHttpResult>;
}

export interface WebhookHttpSenderOptions {
  /** `WEBHOOK_ALLOWED_HOSTS`, parsed. */
  allowedHosts?: readonly AllowedHost[];
  /** Whole exchange, connect to last byte read (default 15 s). */
  timeoutMs?: number;
  /** Response bytes read before the connection is dropped (default 4 KB). */
  maxResponseBytes?: number;
  resolve?: HostResolver;
  userAgent?: string;
  /** Keep-alive pools per checked address (default: one per sender); `false`: a new connection per POST. */
  pool?: CheckedAddressPool | false;
}

/** Errors of a kept-alive socket the receiver closed while idle. */
const STALE_SOCKET_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * The outbound HTTP client for webhooks, with the SSRF guard at connect time: the
 * URL is checked, its host resolved **once**, every address checked, and the socket
 * connects to that checked address through a fixed `lookup` (so a DNS answer that
 * changes between check and connect — rebinding — is never used). TLS still
 * verifies the certificate against the host name (SNI and Host are the name).
 * Redirects are not followed; the body read is capped.
 *
 * Connections are kept alive per checked address ({@link createCheckedAddressPool}), so a
 * pooled socket only serves a request whose host was just checked to the address it is
 * connected to. When a kept-alive socket fails before any answer (the receiver closed it
 * while idle), the request is sent once more on a new connection. The receiver may then
 * see it twice (if it read the first and died before answering), which webhooks allow:
 * receivers deduplicate on `webhook-id`.
 *
 * @example
 * const sender = createWebhookHttpSender({ allowedHosts: parseAllowedHosts(env.WEBHOOK_ALLOWED_HOSTS) });
 * const result = await sender.send({ url, body, headers });
 */
export function createWebhookHttpSender(options: WebhookHttpSenderOptions = {}): WebhookHttpSender {
  const allowedHosts = options.allowedHosts ?? [];
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxResponseBytes = options.maxResponseBytes ?? 4096;
  const userAgent = options.userAgent ?? 'Paperlane-Webhooks/1.0';
  // A subscriber's URL is judged once per process; the address it resolves to, on every send.
  const urls = urlVerdictMemo({ allowedHosts });
  const pool = options.pool === undefined ? createCheckedAddressPool() : options.pool;

  return {
    async send(input) {
      const started = performance.now();
      const elapsed = () => Math.max(0, Math.round(performance.now() - started));
      const fail = (code: Extract<WebhookHttpResult, { kind: 'failure' }>['code'], message: string) =>
        ({ kind: 'failure', code, message, durationMs: elapsed() }) as const;

      const verdict = urls.check(input.url);
      if (!verdict.ok) return fail('unsafe_url', `refused URL: ${verdict.reason}`);
      const { url, port, allowlisted } = verdict;
      let target: ResolvedAddress;
      try {
        target = await resolvePublicAddress(url.hostname, {
          allowlisted,
          ...(options.resolve ? { resolve: options.resolve } : {}),
        });
      } catch (error) {
        if (error instanceof UnsafeAddressError) return fail('unsafe_url', error.message);
        if (error instanceof ResolveError) return fail('dns_failed', error.message);
        throw error;
      }
      if (input.signal?.aborted) return fail('aborted', 'aborted before sending');

      // Every lookup for this request answers with the address checked above.
      const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
        if (lookupOptions.all) callback(null, [{ address: target.address, family: target.family }]);
        else callback(null, target.address, target.family);
      };
      const bareHost = url.hostname.replace(/^\[|\]$/g, '');
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

      const protocol = url.protocol === 'https:' ? 'https:' : 'http:';

      return new Promise<WebhookHttpResult>((resolve) => {
        let settled = false;
        let req: ClientRequest | undefined;
        const finish = (result: WebhookHttpResult) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          input.signal?.removeEventListener('abort', onAbort);
          resolve(result);
        };
        const timer = setTimeout(() => {
          req?.destroy();
          finish(fail('timeout', `no complete answer within ${timeoutMs} ms`));
        }, timeoutMs);
        const onAbort = () => {
          req?.destroy();
          finish(fail('aborted', 'the delivery was aborted'));
        };
        input.signal?.addEventListener('abort', onAbort, { once: true });

        const read = (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let kept = 0;
          const done = () => {
            const retryAfter = res.headers['retry-after'];
            finish({
              kind: 'response',
              statusCode: res.statusCode ?? 0,
              ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
              bodyExcerpt: Buffer.concat(chunks).toString('utf8'),
              durationMs: elapsed(),
            });
          };
          res.on('data', (chunk: Buffer) => {
            if (kept >= maxResponseBytes) return;
            const part = chunk.subarray(0, maxResponseBytes - kept);
            chunks.push(part);
            kept += part.length;
            if (kept >= maxResponseBytes) {
              // Enough for the record; the rest is never read (and the socket is not reused).
              done();
              res.destroy();
            }
          });
          res.on('end', done);
          res.on('error', done);
          res.on('close', done);
        };

        const post = (agent: HttpAgent | false) => {
          const sent = send({
            host: bareHost,
            port,
            path: `${url.pathname}${url.search}`,
            method: 'POST',
            lookup: pinned,
            agent,
            ...(url.protocol === 'https:' && isIP(bareHost) === 0 ? { servername: bareHost } : {}),
            headers: {
              ...input.headers,
              host: url.host,
              'content-type': 'application/json',
              'content-length': String(Buffer.byteLength(input.body)),
              'user-agent': userAgent,
            },
          });
          req = sent;
          let answered = false;
          sent.on('error', (error: NodeJS.ErrnoException) => {
            if (settled) return;
            // Once, on a new connection: the socket was reused and died before any answer.
            if (agent && sent.reusedSocket && !answered && STALE_SOCKET_ERRORS.has(error.code ?? '')) {
              return post(false);
            }
            finish(fail('connection_failed', `${error.code ?? 'error'}: ${error.message}`.slice(0, 500)));
          });
          sent.on('response', (res: IncomingMessage) => {
            answered = true;
            read(res);
          });
          sent.end(input.body);
        };
        post(pool ? pool.agentFor(protocol, target.address, port) : false);
      });
    },
  };
}
