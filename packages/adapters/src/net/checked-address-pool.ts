import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * Keep-alive connection pools, one per checked address: a pooled socket is only ever
 * handed to a request whose host resolved, and was checked, to the very address that
 * socket is connected to. So reusing connections saves the TCP and TLS handshakes
 * without letting a socket outlive the SSRF check: a name that now resolves elsewhere
 * gets another pool (or is refused before any pool is asked).
 */
export interface CheckedAddressPool {
  /** The agent for connections to `address:port` (`https:` or `http:`). */
  agentFor(protocol: 'http:' | 'https:', address: string, port: number): HttpAgent;
  /** Pools kept now (at most `maxPools`). */
  readonly size: number;
  /** Closes every pooled connection. */
  destroy(): void;
}

export interface CheckedAddressPoolOptions {
  /** Pools kept at most; the least recently used is closed first (default 256). */
  maxPools?: number;
  /**
   * An idle connection is closed after this long (default 4 s): below the 5 s that common
   * servers (Node's included) keep an idle connection, so we close first and rarely reuse
   * one the receiver is closing.
   */
  idleMs?: number;
  /** Idle connections kept per pool and host (default 16). */
  maxIdlePerHost?: number;
}

/**
 * @example
 * const pool = createCheckedAddressPool();
 * const target = await resolvePublicAddress(url.hostname, { allowlisted });
 * https.request({ host: url.hostname, lookup: pinnedTo(target), agent: pool.agentFor('https:', target.address, 443) });
 */
export function createCheckedAddressPool(options: CheckedAddressPoolOptions = {}): CheckedAddressPool {
  const maxPools = options.maxPools ?? 256;
  const agentOptions = {
    keepAlive: true,
    timeout: options.idleMs ?? 4_000,
    maxFreeSockets: options.maxIdlePerHost ?? 16,
  };
  const pools = new Map<string, HttpAgent>();
  return {
    agentFor(protocol, address, port) {
      const key = `${protocol}//${address}:${port}`;
      const known = pools.get(key);
      if (known) {
        // Most recently used last, so eviction takes the stalest pool.
        pools.delete(key);
        pools.set(key, known);
        return known;
      }
      const agent = protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
      pools.set(key, agent);
      if (pools.size > maxPools) {
        const [oldestKey, oldest] = pools.entries().next().value as [string, HttpAgent];
        pools.delete(oldestKey);
        // Idle connections only: a request still using the pool finishes, and its socket then
        // idles out (`idleMs`) in an agent nobody asks for again.
        for (const sockets of Object.values(oldest.freeSockets))
          for (const socket of sockets ?? []) socket.destroy();
      }
      return agent;
    },
    get size() {
      return pools.size;
    },
    destroy() {
      for (const agent of pools.values()) agent.destroy();
      pools.clear();
    },
  };
}
