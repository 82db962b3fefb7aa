import { ValidationError } from '@paperlane/core';

export interface MailboxEndpoint {
  host: string;
  tls: 'tls' | 'starttls' | 'none';
}

export interface EndpointPolicy {
  /** Development: loopback and internal hosts, and plaintext to loopback, are allowed. */
  allowInsecureLoopback: boolean;
}

const INTERNAL_NAMES = /(^|\.)(localhost|local|internal|intranet|lan|home|corp|localdomain|home\.arpa)\.?$/;

/** IPv4 literals in loopback, private, link-local (cloud metadata), CGNAT, "this network" or multicast ranges. */
function isInternalIpv4(host: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!match) return false;
  const [a = 0, b = 0] = match.slice(1, 3).map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) ||
    a >= 224
  );
}

/** IPv6 literals: loopback, unspecified, unique-local, link-local, IPv4-mapped. */
function isInternalIpv6(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (!bare.includes(':')) return false;
  return (
    bare === '::1' ||
    bare === '::' ||
    /^f[cd][0-9a-f]{2}:/.test(bare) ||
    /^fe[89ab][0-9a-f]:/.test(bare) ||
    bare.startsWith('::ffff:')
  );
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::1' || h === '[::1]';
}

/**
 * A first, syntactic check of a mailbox server when it is saved: no obviously
 * internal host (loopback, private IP literals, `.internal`/`.local` names) and no
 * plaintext outside development loopback. The IMAP adapter checks the resolved
 * address again when it connects (DNS can point anywhere).
 *
 * @throws ValidationError `mailbox_host_forbidden` or `mailbox_tls_required`
 */
export function checkMailboxEndpoint(endpoint: MailboxEndpoint, policy: EndpointPolicy): void {
  const host = endpoint.host.toLowerCase();
  const loopback = isLoopbackHost(host);
  if (endpoint.tls === 'none' && !(policy.allowInsecureLoopback && loopback)) {
    throw new ValidationError(
      'plaintext IMAP is only allowed to a loopback server in development; use tls or starttls',
      {
        code: 'mailbox_tls_required',
      },
    );
  }
  if (policy.allowInsecureLoopback) return;
  if (INTERNAL_NAMES.test(host) || isInternalIpv4(host) || isInternalIpv6(host) || loopback) {
    throw new ValidationError(`the mail host ${endpoint.host} is an internal address`, {
      code: 'mailbox_host_forbidden',
    });
  }
}
