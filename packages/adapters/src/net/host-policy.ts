import { classifyAddress, ipLiteral } from './ip-policy';

export type HostVerdict =
  | {
      ok: true;
      /** As the URL parser spells it: lower-case, IPv4 in dotted decimal, IPv6 in brackets. */
      hostname: string;
    }
  | { ok: false; code: 'invalid_host' | 'non_public_address' | 'internal_host'; reason: string };

/** Names that resolve inside a network, never to a public server. */
const INTERNAL_SUFFIXES = [
  '.localhost',
  '.local',
  '.internal',
  '.localdomain',
  '.home.arpa',
  '.intranet',
  '.lan',
  // Never delegated (ICANN name-collision list), common on office networks.
  '.corp',
  '.home',
];

/**
 * Judges a host name the WHATWG URL parser has already normalized (`URL.hostname`):
 * no non-public IP literal, no internal name (`localhost`, `*.internal`, single labels).
 * The one rule set behind webhook URLs and mail hosts at registration; connect-time
 * checks ({@link resolvePublicAddress}) apply the same address classes to what DNS returns.
 */
export function judgeHostname(hostname: string): HostVerdict {
  const host = hostname.toLowerCase();
  const literal = ipLiteral(host);
  if (literal !== undefined) {
    const verdict = classifyAddress(literal);
    return verdict.public
      ? { ok: true, hostname: host }
      : { ok: false, code: 'non_public_address', reason: `the address is not public (${verdict.range})` };
  }
  const name = host.replace(/\.$/, '');
  if (name === 'localhost' || INTERNAL_SUFFIXES.some((suffix) => name.endsWith(suffix))) {
    return { ok: false, code: 'internal_host', reason: 'the host name is internal' };
  }
  if (!name.includes('.')) {
    return { ok: false, code: 'internal_host', reason: 'the host name must be fully qualified' };
  }
  return { ok: true, hostname: host };
}

/**
 * Normalizes a bare host (`imap.example.com`, `2130706433`, `0x7f.1`, `[::1]`) the way
 * a URL would, so every spelling of an address is judged as that address.
 *
 * @example normalizeHost('127.1') // '127.0.0.1'
 */
export function normalizeHost(raw: string): string | undefined {
  if (raw.length === 0 || raw.length > 253 + 2 || /[/?#@\\\s]/.test(raw)) return undefined;
  try {
    const url = new URL(`http://${raw}`);
    return url.port === '' && url.pathname === '/' ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A bare host name for an outbound connection (e.g. an IMAP server): normalized, then
 * {@link judgeHostname}.
 *
 * @example checkOutboundHost('2130706433') // { ok: false, code: 'non_public_address', ... }
 */
export function checkOutboundHost(raw: string): HostVerdict {
  const hostname = normalizeHost(raw);
  if (hostname === undefined) return { ok: false, code: 'invalid_host', reason: 'not a host name' };
  return judgeHostname(hostname);
}
