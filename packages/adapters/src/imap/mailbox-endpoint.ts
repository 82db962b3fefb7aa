import { ValidationError } from '@paperlane/core';
import { checkOutboundHost, normalizeHost } from '../net/host-policy';
import { classifyAddress, ipLiteral } from '../net/ip-policy';

export interface MailboxEndpoint {
  host: string;
  tls: 'tls' | 'starttls' | 'none';
}

export interface EndpointPolicy {
  /** Development: internal hosts, and plaintext to loopback, are allowed. */
  allowInsecureLoopback: boolean;
}

/** `localhost` or a loopback literal in any spelling (`127.1`, `2130706433`, `[::1]`). */
function isLoopbackHost(host: string): boolean {
  const hostname = normalizeHost(host);
  if (hostname === undefined) return false;
  if (hostname.replace(/\.$/, '') === 'localhost') return true;
  const literal = ipLiteral(hostname);
  return literal !== undefined && classifyAddress(literal).range === 'loopback';
}

/**
 * The check a mail server passes when it is saved, with the rules webhook URLs pass
 * (`checkOutboundHost`): no non-public address in any spelling (`2130706433`, `127.1`,
 * `0x7f.1`, `[::ffff:127.0.0.1]`), no internal name, and no plaintext outside
 * development loopback. The IMAP reader checks the resolved address again when it
 * connects (DNS can point anywhere).
 *
 * @throws ValidationError `mailbox_host_forbidden` or `mailbox_tls_required`
 * @example checkMailboxEndpoint({ host: 'imap.example.com', tls: 'tls' }, { allowInsecureLoopback: false })
 */
export function checkMailboxEndpoint(endpoint: MailboxEndpoint, policy: EndpointPolicy): void {
  const loopback = isLoopbackHost(endpoint.host);
  if (endpoint.tls === 'none' && !(policy.allowInsecureLoopback && loopback)) {
    throw new ValidationError(
      'plaintext IMAP is only allowed to a loopback server in development; use tls or starttls',
      { code: 'mailbox_tls_required' },
    );
  }
  if (policy.allowInsecureLoopback) return;
  const verdict = checkOutboundHost(endpoint.host);
  if (!verdict.ok) {
    throw new ValidationError(`the mail host ${endpoint.host} is not allowed: ${verdict.reason}`, {
      code: 'mailbox_host_forbidden',
    });
  }
}
