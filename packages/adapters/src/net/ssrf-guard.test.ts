import { ConfigError } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { isAllowedHost, parseAllowedHosts } from './host-allowlist';
import { classifyAddress } from './ip-policy';
import { createRegistrationUrlCheck } from './registration-check';
import {
  type HostResolver,
  ResolveError,
  resolvePublicAddress,
  UnsafeAddressError,
} from './resolve-public-address';
import { checkOutboundUrl } from './url-policy';

const strict = { allowedHosts: [] };

describe('checkOutboundUrl', () => {
  it.each([
    ['https://hooks.example.com/in', 443],
    ['https://hooks.example.com:8443/in?x=1', 8443],
    ['https://8.8.8.8/hook', 443],
    ['https://[2001:4860:4860::8888]/hook', 443],
    ['https://HOOKS.Example.COM./in', 443],
  ])('accepts %s', (url, port) => {
    const verdict = checkOutboundUrl(url, strict);
    expect(verdict).toMatchObject({ ok: true, port, allowlisted: false });
  });

  it.each([
    // scheme and shape
    ['http://hooks.example.com/in', 'unsupported_scheme'],
    ['ftp://hooks.example.com/in', 'unsupported_scheme'],
    ['file:///etc/passwd', 'unsupported_scheme'],
    ['gopher://hooks.example.com:70/', 'unsupported_scheme'],
    ['javascript:alert(1)', 'unsupported_scheme'],
    ['not a url', 'invalid_url'],
    ['', 'invalid_url'],
    [`https://hooks.example.com/${'a'.repeat(2100)}`, 'invalid_url'],
    ['https://user:pass@hooks.example.com/', 'credentials_in_url'],
    ['https://user@hooks.example.com/', 'credentials_in_url'],
    ['https://hooks.example.com@127.0.0.1/', 'credentials_in_url'],
    // ports
    ['https://hooks.example.com:22/', 'port_not_allowed'],
    ['https://hooks.example.com:80/', 'port_not_allowed'],
    ['https://hooks.example.com:6379/', 'ok-port-high'],
    // loopback, every spelling
    ['https://127.0.0.1/', 'non_public_address'],
    ['https://127.1/', 'non_public_address'],
    ['https://2130706433/', 'non_public_address'],
    ['https://0177.0.0.1/', 'non_public_address'],
    ['https://0x7f.1/', 'non_public_address'],
    ['https://0x7f000001/', 'non_public_address'],
    ['https://[::1]/', 'non_public_address'],
    ['https://[::ffff:127.0.0.1]/', 'non_public_address'],
    ['https://[::ffff:7f00:1]/', 'non_public_address'],
    ['https://[0:0:0:0:0:ffff:127.0.0.1]/', 'non_public_address'],
    ['https://[::127.0.0.1]/', 'non_public_address'],
    ['https://127.0.0.1#@hooks.example.com/', 'non_public_address'],
    // private, CGNAT, link-local, metadata, multicast, unspecified, broadcast
    ['https://10.0.0.1/', 'non_public_address'],
    ['https://172.16.0.1/', 'non_public_address'],
    ['https://172.31.255.255/', 'non_public_address'],
    ['https://192.168.1.1/', 'non_public_address'],
    ['https://100.64.0.1/', 'non_public_address'],
    ['https://169.254.169.254/latest/meta-data/', 'non_public_address'],
    ['https://0xa9fea9fe/', 'non_public_address'],
    ['https://[::ffff:169.254.169.254]/', 'non_public_address'],
    ['https://[fd00:ec2::254]/', 'non_public_address'],
    ['https://224.0.0.1/', 'non_public_address'],
    ['https://0.0.0.0/', 'non_public_address'],
    ['https://0/', 'non_public_address'],
    ['https://255.255.255.255/', 'non_public_address'],
    ['https://[::]/', 'non_public_address'],
    ['https://[fc00::1]/', 'non_public_address'],
    ['https://[fe80::1]/', 'non_public_address'],
    ['https://[ff02::1]/', 'non_public_address'],
    ['https://[2002:7f00:1::]/', 'non_public_address'],
    ['https://[64:ff9b::a9fe:a9fe]/', 'non_public_address'],
    ['https://[2001::1]/', 'non_public_address'],
    ['https://198.18.0.1/', 'non_public_address'],
    // internal names
    ['https://localhost/', 'internal_host'],
    ['https://LOCALHOST./', 'internal_host'],
    ['https://api.localhost/', 'internal_host'],
    ['https://metadata/', 'internal_host'],
    ['https://metadata.google.internal/', 'internal_host'],
    ['https://printer.local/', 'internal_host'],
  ])('refuses %s (%s)', (url, code) => {
    const verdict = checkOutboundUrl(url, strict);
    if (code === 'ok-port-high') {
      expect(verdict.ok).toBe(true);
      return;
    }
    expect(verdict).toMatchObject({ ok: false, code });
  });

  it('lets allowlisted development hosts use http and any port', () => {
    const policy = { allowedHosts: parseAllowedHosts('127.0.0.1, localhost:4000') };
    expect(checkOutboundUrl('http://127.0.0.1:9999/hook', policy)).toMatchObject({
      ok: true,
      allowlisted: true,
    });
    // Another spelling of the same address is the same host.
    expect(checkOutboundUrl('http://0x7f.1:9999/hook', policy)).toMatchObject({
      ok: true,
      allowlisted: true,
    });
    expect(checkOutboundUrl('http://localhost:4000/hook', policy)).toMatchObject({
      ok: true,
      allowlisted: true,
    });
    // The port is part of the entry.
    expect(checkOutboundUrl('http://localhost:4001/hook', policy)).toMatchObject({ ok: false });
    // Credentials are refused even for allowlisted hosts.
    expect(checkOutboundUrl('http://a:b@127.0.0.1:9999/', policy)).toMatchObject({
      code: 'credentials_in_url',
    });
    expect(checkOutboundUrl('http://10.0.0.1/', policy)).toMatchObject({ ok: false });
  });
});

describe('parseAllowedHosts', () => {
  it('normalizes entries and rejects garbage', () => {
    expect(parseAllowedHosts(undefined)).toEqual([]);
    expect(parseAllowedHosts('127.0.0.1,localhost:4000,[::1]:8080')).toEqual([
      { hostname: '127.0.0.1' },
      { hostname: 'localhost', port: 4000 },
      { hostname: '[::1]', port: 8080 },
    ]);
    expect(isAllowedHost(parseAllowedHosts('LocalHost'), 'localhost', 1)).toBe(true);
    expect(() => parseAllowedHosts('http://x/y')).toThrow(ConfigError);
    expect(() => parseAllowedHosts('a b')).toThrow(ConfigError);
    expect(() => parseAllowedHosts('u:p@host')).toThrow(ConfigError);
  });
});

describe('classifyAddress', () => {
  it('judges IPv4-mapped addresses by the IPv4 inside', () => {
    expect(classifyAddress('::ffff:10.0.0.1')).toEqual({ public: false, range: 'private' });
    expect(classifyAddress('::ffff:8.8.8.8')).toEqual({ public: true, range: 'unicast' });
    expect(classifyAddress('nonsense')).toEqual({ public: false, range: 'invalid' });
  });
});

describe('resolvePublicAddress (connect-time check)', () => {
  const table: Record<string, string[]> = {
    'public.example': ['93.184.215.14'],
    'rebind.example': ['127.0.0.1'],
    'mixed.example': ['93.184.215.14', '10.1.2.3'],
    'mapped.example': ['::ffff:169.254.169.254'],
    'v6.example': ['2606:4700::1111'],
    'empty.example': [],
  };
  const resolve: HostResolver = async (hostname) => {
    const found = table[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

  it('returns the checked address to connect to', async () => {
    await expect(resolvePublicAddress('public.example', { resolve })).resolves.toEqual({
      address: '93.184.215.14',
      family: 4,
    });
    await expect(resolvePublicAddress('v6.example', { resolve })).resolves.toMatchObject({ family: 6 });
    await expect(resolvePublicAddress('[2606:4700::1111]', { resolve })).resolves.toEqual({
      address: '2606:4700::1111',
      family: 6,
    });
  });

  it('refuses names that resolve to non-public addresses', async () => {
    for (const name of ['rebind.example', 'mixed.example', 'mapped.example', '127.0.0.1', '[::1]']) {
      await expect(resolvePublicAddress(name, { resolve })).rejects.toBeInstanceOf(UnsafeAddressError);
    }
  });

  it('lets allowlisted hosts through and reports resolver failures apart', async () => {
    await expect(
      resolvePublicAddress('rebind.example', { resolve, allowlisted: true }),
    ).resolves.toMatchObject({
      address: '127.0.0.1',
    });
    await expect(resolvePublicAddress('nowhere.example', { resolve })).rejects.toBeInstanceOf(ResolveError);
    await expect(resolvePublicAddress('empty.example', { resolve })).rejects.toBeInstanceOf(ResolveError);
  });
});

describe('createRegistrationUrlCheck', () => {
  const resolve: HostResolver = async (hostname) => {
    if (hostname === 'hooks.example.com') return [{ address: '93.184.215.14', family: 4 }];
    if (hostname === 'rebind.example.com') return [{ address: '10.0.0.5', family: 4 }];
    throw new Error('ENOTFOUND');
  };

  it('refuses bad URLs and names that resolve inside, accepts the rest', async () => {
    const check = createRegistrationUrlCheck({ resolve, allowedHosts: parseAllowedHosts('127.0.0.1') });
    await expect(check('https://hooks.example.com/in')).resolves.toEqual({ ok: true });
    await expect(check('https://rebind.example.com/in')).resolves.toMatchObject({ ok: false });
    await expect(check('https://2130706433/')).resolves.toEqual({ ok: true }); // allowlisted: it is 127.0.0.1
    await expect(createRegistrationUrlCheck({ resolve })('https://2130706433/')).resolves.toMatchObject({
      ok: false,
    });
    await expect(check('http://127.0.0.1:4000/dev')).resolves.toEqual({ ok: true });
    // Not resolvable yet: accepted, the connect-time check decides.
    await expect(check('https://not-yet.example.com/in')).resolves.toEqual({ ok: true });
  });

  it('does not wait forever for DNS', async () => {
    const never: HostResolver = () => new Promise(() => {});
    const check = createRegistrationUrlCheck({ resolve: never, resolveTimeoutMs: 20 });
    await expect(check('https://slow.example.com/')).resolves.toEqual({ ok: true });
  });
});
