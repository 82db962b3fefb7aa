export { type AllowedHost, isAllowedHost, parseAllowedHosts } from './host-allowlist';
export { checkOutboundHost, type HostVerdict, judgeHostname, normalizeHost } from './host-policy';
export { type AddressVerdict, classifyAddress, ipLiteral, isPublicAddress } from './ip-policy';
export { createRegistrationUrlCheck, type RegistrationCheckOptions } from './registration-check';
export {
  type HostResolver,
  type ResolvedAddress,
  ResolveError,
  resolvePublicAddress,
  systemResolver,
  UnsafeAddressError,
} from './resolve-public-address';
export { checkOutboundUrl, type OutboundUrlPolicy, type UrlVerdict } from './url-policy';
export { type UrlVerdictMemo, urlVerdictMemo } from './url-verdict-memo';
