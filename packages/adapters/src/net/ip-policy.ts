import ipaddr from 'ipaddr.js';

/**
 * IPv6 blocks ipaddr.js files under `unicast` that still reach somewhere private:
 * IPv4-compatible addresses (`::7f00:1` is 127.0.0.1 on some stacks), deprecated
 * site-local, and local-use NAT64 (which translates to any IPv4, private included).
 */
const EXTRA_BLOCKED_V6 = ['::/96', 'fec0::/10', '64:ff9b:1::/48'].map((cidr) => ipaddr.IPv6.parseCIDR(cidr));

export interface AddressVerdict {
  /** True only for globally routable unicast addresses. */
  public: boolean;
  /** ipaddr.js's range name (`loopback`, `private`, `linkLocal`, ...) or `invalid`. */
  range: string;
}

/**
 * Classifies an IP literal for outbound requests. Only global unicast is public:
 * loopback, private, CGNAT, link-local (cloud metadata at 169.254.169.254), multicast,
 * broadcast, unspecified, reserved, documentation, IPv6 ULA/link-local and every
 * IPv6 form that embeds an IPv4 address (mapped, 6to4, Teredo, NAT64) are not.
 * IPv4-mapped addresses are judged by the IPv4 address inside.
 *
 * @example classifyAddress('::ffff:127.0.0.1') // { public: false, range: 'loopback' }
 */
export function classifyAddress(address: string): AddressVerdict {
  if (!ipaddr.isValid(address)) return { public: false, range: 'invalid' };
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
    else if (EXTRA_BLOCKED_V6.some((cidr) => v6.match(cidr))) return { public: false, range: 'reserved' };
  }
  const range = parsed.range();
  return { public: range === 'unicast', range };
}

/** Shorthand for {@link classifyAddress}`(address).public`. */
export function isPublicAddress(address: string): boolean {
  return classifyAddress(address).public;
}

/** An IP literal as URL hosts spell it (IPv6 in brackets), without the brackets; otherwise undefined. */
export function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  // Only strict forms: the URL parser has already turned 0x7f.1 or 2130706433 into dotted decimal.
  return ipaddr.IPv4.isValidFourPartDecimal(bare) || ipaddr.IPv6.isValid(bare) ? bare : undefined;
}
