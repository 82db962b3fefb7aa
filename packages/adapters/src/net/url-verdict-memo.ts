import { checkOutboundUrl, MAX_URL_LENGTH, type OutboundUrlPolicy, type UrlVerdict } from './url-policy';

/** {@link checkOutboundUrl} under one policy, remembering its verdicts. */
export interface UrlVerdictMemo {
  check(raw: string): UrlVerdict;
  /** Verdicts kept now (at most `maxEntries`). */
  readonly size: number;
}

/**
 * Remembers the URL policy's verdicts: they depend on the URL string and the policy
 * alone (no DNS), so a sender posting to the same subscriber again need not parse and
 * judge its URL again. Only the syntactic check is remembered; the address a name
 * resolves to must still be checked on every connection ({@link resolvePublicAddress}).
 * At most `maxEntries` verdicts are kept, the oldest going first. Verdicts are shared:
 * callers must not change the `url` they carry.
 *
 * @example
 * const urls = urlVerdictMemo({ allowedHosts: [] });
 * urls.check('https://hooks.example.com/in'); // parsed and judged once
 */
export function urlVerdictMemo(
  policy: OutboundUrlPolicy,
  options: { maxEntries?: number } = {},
): UrlVerdictMemo {
  const maxEntries = options.maxEntries ?? 1_000;
  const verdicts = new Map<string, UrlVerdict>();
  return {
    check(raw) {
      const known = verdicts.get(raw);
      if (known) return known;
      const verdict = checkOutboundUrl(raw, policy);
      // Only strings the policy could accept are kept: a hostile megabyte-long URL is judged
      // (and refused) every time rather than held as a key.
      if (typeof raw === 'string' && raw.length <= MAX_URL_LENGTH) {
        verdicts.set(raw, verdict);
        if (verdicts.size > maxEntries) verdicts.delete(verdicts.keys().next().value as string);
      }
      return verdict;
    },
    get size() {
      return verdicts.size;
    },
  };
}
