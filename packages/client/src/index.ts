import type { App } from '@paperlane/api';
import { hc } from 'hono/client';

export interface ClientOptions {
  /** A bearer token, or a function that returns a fresh one for each request. */
  token?: string | (() => string | Promise<string>);
  /** Defaults to the global fetch (tests may pass a Hono app's `fetch` to skip the network). */
  fetch?: typeof fetch;
}

/**
 * A typed Paperlane API client: paths, parameters, bodies and responses come from
 * the API's own route definitions (hono/client), so a changed route breaks the
 * callers' build, not their production.
 *
 * @example
 * const paperlane = createClient('http://127.0.0.1:3000', { token });
 * const res = await paperlane.api.jobs[':job_id'].$get({ param: { job_id } });
 * if (res.ok) console.log((await res.json()).status);
 */
export function createClient(baseUrl: string, options: ClientOptions = {}) {
  const { token } = options;
  return hc<App>(baseUrl, {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    headers: async (): Promise<Record<string, string>> => {
      if (token === undefined) return {};
      const value = typeof token === 'function' ? await token() : token;
      return { authorization: `Bearer ${value}` };
    },
  });
}

export type PaperlaneClient = ReturnType<typeof createClient>;
