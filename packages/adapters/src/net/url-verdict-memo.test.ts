import { describe, expect, it } from 'vitest';
import { parseAllowedHosts } from './host-allowlist';
import { checkOutboundUrl } from './url-policy';
import { urlVerdictMemo } from './url-verdict-memo';

const policy = { allowedHosts: parseAllowedHosts('127.0.0.1:4000') };

describe('urlVerdictMemo', () => {
  it('judges a URL once, as the policy does, and keeps the verdict', () => {
    const urls = urlVerdictMemo(policy);
    const first = urls.check('https://hooks.example.com/in');
    expect(first).toEqual(checkOutboundUrl('https://hooks.example.com/in', policy));
    expect(urls.check('https://hooks.example.com/in')).toBe(first);
    expect(urls.size).toBe(1);
  });

  it('judges every other URL on its own: a kept verdict never answers for another spelling', () => {
    const urls = urlVerdictMemo(policy);
    expect(urls.check('https://hooks.example.com/in')).toMatchObject({ ok: true });
    expect(urls.check('http://127.0.0.1:4000/in')).toMatchObject({ ok: true, allowlisted: true });
    for (const hostile of [
      'http://127.0.0.1:4001/in',
      'https://0x7f.1/in',
      'https://[::ffff:127.0.0.1]/in',
    ]) {
      expect(urls.check(hostile)).toMatchObject({ ok: false });
      expect(urls.check(hostile)).toMatchObject({ ok: false });
    }
  });

  it('keeps at most maxEntries verdicts, the oldest going first', () => {
    const urls = urlVerdictMemo(policy, { maxEntries: 2 });
    const a = urls.check('https://a.example.com/');
    urls.check('https://b.example.com/');
    urls.check('https://c.example.com/');
    expect(urls.size).toBe(2);
    // Dropped, so judged again: an equal verdict, not the kept one.
    const again = urls.check('https://a.example.com/');
    expect(again).toEqual(a);
    expect(again).not.toBe(a);
  });

  it('refuses an oversized URL every time without keeping it', () => {
    const urls = urlVerdictMemo(policy);
    const huge = `https://hooks.example.com/${'x'.repeat(1024 * 1024)}`;
    expect(urls.check(huge)).toMatchObject({ ok: false, code: 'invalid_url' });
    expect(urls.check(huge)).toMatchObject({ ok: false, code: 'invalid_url' });
    expect(urls.size).toBe(0);
  });
});
