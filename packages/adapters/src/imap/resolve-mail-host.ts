import { PermanentError, RetryableError } from '@paperlane/core';
import { classifyAddress } from '../net/ip-policy';
import {
  type HostResolver,
  ResolveError,
  resolvePublicAddress,
  UnsafeAddressError,
} from '../net/resolve-public-address';

export function isLoopbackAddress(address: string): boolean {
  return classifyAddress(address).range === 'loopback';
}

/**
 * Resolves a mail host once with the shared SSRF guard (every address must be public)
 * and returns the address to connect to, so nothing can re-point the name between
 * the check and the connection. With `allowInternal` (development) any address goes.
 *
 * @throws PermanentError `mailbox_host_forbidden` (internal address) or
 *   `mailbox_host_unknown` (no such name); RetryableError `mailbox_unreachable` (DNS trouble)
 * @example const address = await resolveMailHost('imap.example.com', { allowInternal: false });
 */
export async function resolveMailHost(
  host: string,
  options: { allowInternal: boolean; resolve?: HostResolver },
): Promise<string> {
  try {
    const { address } = await resolvePublicAddress(host, {
      allowlisted: options.allowInternal,
      ...(options.resolve ? { resolve: options.resolve } : {}),
    });
    return address;
  } catch (error) {
    if (error instanceof UnsafeAddressError) {
      throw new PermanentError(`the mail host ${host} resolves to an internal address`, {
        code: 'mailbox_host_forbidden',
      });
    }
    if (error instanceof ResolveError) {
      const code = (error.cause as { code?: unknown } | undefined)?.code;
      if (code === 'ENOTFOUND') {
        throw new PermanentError(`the mail host ${host} does not exist`, { code: 'mailbox_host_unknown' });
      }
      throw new RetryableError(`the mail host ${host} could not be resolved`, {
        code: 'mailbox_unreachable',
        cause: error,
      });
    }
    throw error;
  }
}
