import { parseArgs } from 'node:util';
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, mintToken, ROLES } from '@paperlane/api';
import { idSchema } from '@paperlane/core';
import { z } from 'zod';
import { loadConfig } from '../config/config';
import { localJwtSecret } from '../config/dev-secret';
import type { CliIo } from './io';

const optionsSchema = z.strictObject({
  tenant: idSchema,
  user: idSchema.default('dev'),
  role: z.enum(ROLES).default('user'),
  ttl: z
    .string()
    .regex(/^\d{1,6}[smhd]$/, 'like 30m, 12h or 7d')
    .default('12h'),
});

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

function ttlSeconds(ttl: string): number {
  return Number(ttl.slice(0, -1)) * UNIT_SECONDS[ttl.slice(-1) as keyof typeof UNIT_SECONDS];
}

export const TOKEN_USAGE =
  'usage: paperlane token --tenant <id> [--role user|admin|operator] [--user <id>] [--ttl 12h]\n';

/**
 * `paperlane token`: a dev token signed with the same secret the local API checks
 * (JWT_SECRET, else the one generated under DATA_DIR). Prints the token alone, so
 * `TOKEN=$(npx paperlane token --tenant acme)` works.
 */
export async function runToken(argv: string[], io: CliIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        tenant: { type: 'string' },
        user: { type: 'string' },
        role: { type: 'string' },
        ttl: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr(`paperlane token: ${(error as Error).message}\n${TOKEN_USAGE}`);
    return 2;
  }
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ');
    io.stderr(`paperlane token: ${problems}\n${TOKEN_USAGE}`);
    return 2;
  }
  const config = loadConfig(io.env);
  const { tenant, user, role, ttl } = parsed.data;
  const maxSeconds = config.env.JWT_MAX_LIFETIME_SECONDS ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  if (ttlSeconds(ttl) > maxSeconds) {
    io.stderr(
      `paperlane token: --ttl ${ttl} is longer than the API accepts (${maxSeconds} s)\n${TOKEN_USAGE}`,
    );
    return 2;
  }
  const secret = await localJwtSecret(config);
  io.stdout(`${await mintToken(secret, { tenantId: tenant, userId: user, role }, { expiresIn: ttl })}\n`);
  return 0;
}
