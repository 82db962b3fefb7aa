import { lookup } from 'node:dns/promises';
import { PaperlaneError } from '@paperlane/core';
import { classifyAddress, ipLiteral } from './ip-policy';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (injectable for tests). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo, as Node's own connections use). */
export const systemResolver: HostResolver = async (hostname) => {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/** A host that resolves to a non-public address; retrying will not help. */
export class UnsafeAddressError extends PaperlaneError {
  constructor(message: string) {
    super(message, { code: 'unsafe_address' });
    this.name = 'UnsafeAddressError';
  }
}

/** A host that could not be resolved (NXDOMAIN, resolver down); may be transient. */
export class ResolveError extends PaperlaneError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'dns_failed', cause });
    this.name = 'ResolveError';
  }
}

/**
 * Resolves `hostname` once and returns the address to connect to, refusing the host
 * when **any** of its addresses is not public (a name with one public and one
 * private address is an attack, not an accident). The caller must connect to the
 * returned address, not resolve the name again: that is what defeats DNS rebinding.
 * Allowlisted hosts skip the address check.
 *
 * @throws UnsafeAddressError, ResolveError
 * @example const { address, family } = await resolvePublicAddress('hooks.example.com');
 */
export async function resolvePublicAddress(
  hostname: string,
  options: { allowlisted?: boolean; resolve?: HostResolver } = {},
): Promise<ResolvedAddress> {
  const literal = ipLiteral(hostname);
  if (literal !== undefined) {
    const family = literal.includes(':') ? 6 : 4;
    if (!options.allowlisted && !classifyAddress(literal).public) {
      throw new UnsafeAddressError(`${literal} is not a public address`);
    }
    return { address: literal, family };
  }
  let found: ResolvedAddress[];
  try {
    found = await (options.resolve ?? systemResolver)(hostname);
  } catch (cause) {
    throw new ResolveError(`${hostname} could not be resolved`, cause);
  }
  const first = found[0];
  if (!first) throw new ResolveError(`${hostname} has no addresses`);
  if (!options.allowlisted) {
    const bad = found.find((entry) => !classifyAddress(entry.address).public);
    if (bad) {
      throw new UnsafeAddressError(
        `${hostname} resolves to a non-public address (${classifyAddress(bad.address).range})`,
      );
    }
  }
  return first;
}
