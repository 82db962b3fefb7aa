import { createTokenVerifier } from '@paperlane/api';
import { describe, expect, it } from 'vitest';
import { runToken } from './token';

const JWT_SECRET = 'cli-token-test-secret-long-enough-for-hs256';

async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runToken(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { JWT_SECRET, ...env },
  });
  return { code, stdout: stdout.trim(), stderr };
}

describe('paperlane token', () => {
  it('mints tokens the API verifies, up to the 30-day maximum', async () => {
    const verify = createTokenVerifier({ secret: JWT_SECRET });
    for (const ttl of ['12h', '30d']) {
      const { code, stdout } = await run(['--tenant', 'acme', '--ttl', ttl]);
      expect(code).toBe(0);
      await expect(verify(stdout)).resolves.toMatchObject({ tenantId: 'acme', userId: 'dev' });
    }
  });

  it('refuses a --ttl the API would not accept, rather than print a useless token', async () => {
    const long = await run(['--tenant', 'acme', '--ttl', '31d']);
    expect(long).toMatchObject({ code: 2, stdout: '' });
    expect(long.stderr).toContain('longer than the API accepts');
    // A deployment that allows longer tokens lets the CLI mint them.
    const allowed = await run(['--tenant', 'acme', '--ttl', '60d'], { JWT_MAX_LIFETIME_SECONDS: '5184000' });
    expect(allowed.code).toBe(0);
    const verify = createTokenVerifier({ secret: JWT_SECRET, maxLifetimeSeconds: 5_184_000 });
    await expect(verify(allowed.stdout)).resolves.toMatchObject({ tenantId: 'acme' });
  });
});
