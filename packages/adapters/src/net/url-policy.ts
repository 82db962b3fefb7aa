import { type AllowedHost, isAllowedHost } from './host-allowlist';
import { judgeHostname } from './host-policy';

export interface OutboundUrlPolicy {
  /** Hosts exempt from the rules (`WEBHOOK_ALLOWED_HOSTS`); http is allowed only for them. */
  allowedHosts: readonly AllowedHost[];
}

export type UrlVerdict =
  | {
      ok: true;
      url: URL;
      /** The port the request goes to (the scheme's default when the URL has none). */
      port: number;
      /** On the allowlist: address checks are skipped for it. */
      allowlisted: boolean;
    }
  | { ok: false; code: string; reason: string };

/** Longer URLs are refused (and, being refused, never kept by a memo). */
export const MAX_URL_LENGTH = 2048;

/** Ports below 1024 reach system services; 443 is the one public receivers use. */
function portAllowed(port: number): boolean {
  return port === 443 || port >= 1024;
}

function refuse(code: string, reason: string): UrlVerdict {
  return { ok: false, code, reason };
}

/**
 * The registration-time (syntactic) check of an outbound URL: https only (http for
 * allowlisted hosts), no credentials, port 443 or ≥ 1024, no internal names
 * (`localhost`, `*.localhost`, single labels, `.internal`, ...), no non-public IP
 * literal in any spelling the URL parser accepts (`2130706433`, `0177.0.0.1`,
 * `0x7f.1` and `[::ffff:127.0.0.1]` all normalize to loopback). Hostnames still
 * need the connect-time check ({@link resolvePublicAddress}).
 *
 * @example checkOutboundUrl('http://0x7f.1/', { allowedHosts: [] }) // { ok: false, code: 'non_public_address', ... }
 */
export function checkOutboundUrl(raw: string, policy: OutboundUrlPolicy): UrlVerdict {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) {
    return refuse('invalid_url', `the URL must be 1-${MAX_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('invalid_url', 'the URL cannot be parsed');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return refuse('unsupported_scheme', 'only https URLs are accepted');
  }
  if (url.username || url.password) return refuse('credentials_in_url', 'the URL must not carry credentials');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const hostname = url.hostname.toLowerCase();
  if (isAllowedHost(policy.allowedHosts, hostname, port)) return { ok: true, url, port, allowlisted: true };

  if (url.protocol !== 'https:') return refuse('unsupported_scheme', 'only https URLs are accepted');
  if (!portAllowed(port))
    return refuse('port_not_allowed', `port ${port} is not allowed (use 443 or 1024-65535)`);

  const verdict = judgeHostname(hostname);
  return verdict.ok ? { ok: true, url, port, allowlisted: false } : refuse(verdict.code, verdict.reason);
}
