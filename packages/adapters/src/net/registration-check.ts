import type { AllowedHost } from './host-allowlist';
import { type HostResolver, resolvePublicAddress, UnsafeAddressError } from './resolve-public-address';
import { checkOutboundUrl } from './url-policy';

export interface RegistrationCheckOptions {
  allowedHosts?: readonly AllowedHost[];
  resolve?: HostResolver;
  /** How long registration waits for DNS (default 2 s); a slow or failing resolver does not refuse. */
  resolveTimeoutMs?: number;
}

/**
 * The check a webhook URL passes when it is registered: the URL policy, then one
 * resolution whose addresses must all be public. A name that does not resolve
 * (yet) is accepted — the sender checks again, authoritatively, on every connect.
 *
 * @example
 * const checkUrl = createRegistrationUrlCheck({ allowedHosts: parseAllowedHosts(env.WEBHOOK_ALLOWED_HOSTS) });
 * await checkUrl('https://169.254.169.254/') // { ok: false, reason: 'the address is not public (linkLocal)' }
 */
export function createRegistrationUrlCheck(
  options: RegistrationCheckOptions = {},
): (url: string) => Promise<{ ok: true } | { ok: false; reason: string }> {
  const allowedHosts = options.allowedHosts ?? [];
  const timeoutMs = options.resolveTimeoutMs ?? 2_000;
  return async (raw) => {
    const verdict = checkOutboundUrl(raw, { allowedHosts });
    if (!verdict.ok) return { ok: false, reason: verdict.reason };
    if (verdict.allowlisted) return { ok: true };
    // Settles to the refusal or to nothing, so a lookup that loses the race never rejects unhandled.
    const lookedUp = resolvePublicAddress(
      verdict.url.hostname,
      options.resolve ? { resolve: options.resolve } : {},
    ).then(
      () => undefined,
      (error: unknown) => (error instanceof UnsafeAddressError ? error : undefined),
    );
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    const refusal = await Promise.race([lookedUp, gaveUp]);
    clearTimeout(timer);
    return refusal ? { ok: false, reason: refusal.message } : { ok: true };
  };
}
