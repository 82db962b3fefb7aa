import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A secret generated once and kept under the data folder (mode 0600), so local
 * runs stay consistent across restarts without anyone inventing a weak value.
 */
async function devSecret(dataDir: string, file: string, bytes: number, minLength: number): Promise<string> {
  const path = join(dataDir, file);
  try {
    const existing = (await readFile(path, 'utf8')).trim();
    if (existing.length >= minLength) return existing;
  } catch {
    // first start: create it below
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(bytes).toString('base64url');
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return secret;
}

/** The embedded runtime's JWT secret (dev tokens stay valid across restarts). */
export function devJwtSecret(dataDir: string): Promise<string> {
  return devSecret(dataDir, 'jwt-secret', 32, 32);
}

/** The HS256 secret local tokens are signed with: JWT_SECRET, else the one generated under DATA_DIR. */
export async function localJwtSecret(config: {
  env: { JWT_SECRET?: string; DATA_DIR: string };
}): Promise<string> {
  return config.env.JWT_SECRET ?? devJwtSecret(config.env.DATA_DIR);
}

/** The embedded runtime's key for secrets at rest: 32 bytes, base64url (accepted by the local cipher). */
export function devSecretKey(dataDir: string): Promise<string> {
  return devSecret(dataDir, 'secret-key', 32, 43);
}
