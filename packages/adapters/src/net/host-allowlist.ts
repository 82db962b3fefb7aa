import { ConfigError } from '@paperlane/core';

/** A host (and optionally one port) exempt from the SSRF rules: development receivers only. */
export interface AllowedHost {
  /** As `URL.hostname` spells it: lower-case, IPv6 in brackets, numeric IPv4 forms normalized. */
  hostname: string;
  /** Any port when absent. */
  port?: number;
}

/**
 * Parses `WEBHOOK_ALLOWED_HOSTS` (`127.0.0.1,localhost:4000,[::1]:8080`). Entries are
 * normalized by the same URL parser that reads webhook URLs, so `0x7f.1` and
 * `127.0.0.1` name the same host. Throws `ConfigError` on an entry that is not a host.
 *
 * @example parseAllowedHosts('127.0.0.1,localhost:4000')
 */
export function parseAllowedHosts(raw: string | undefined): AllowedHost[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      let url: URL;
      try {
        url = new URL(`http://${entry}`);
      } catch {
        throw new ConfigError(`WEBHOOK_ALLOWED_HOSTS entry ${JSON.stringify(entry)} is not host[:port]`, {
          code: 'invalid_allowed_hosts',
        });
      }
      if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
        throw new ConfigError(`WEBHOOK_ALLOWED_HOSTS entry ${JSON.stringify(entry)} is not host[:port]`, {
          code: 'invalid_allowed_hosts',
        });
      }
      const hasPort = /:\d+$/.test(entry);
      return {
        hostname: url.hostname,
        ...(hasPort ? { port: Number(url.port || 80) } : {}),
      };
    });
}

/** True when `hostname:port` (from a parsed URL) is on the list. */
export function isAllowedHost(list: readonly AllowedHost[], hostname: string, port: number): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return list.some((entry) => entry.hostname === host && (entry.port === undefined || entry.port === port));
}
