import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = join(process.cwd(), 'stacks/local');
const compose = readFileSync(join(here, 'docker-compose.yml'), 'utf8');

/** The block of one top-level service, by indentation (no YAML parser is installed). */
function service(name: string): string {
  const match = new RegExp(`^  ${name}:\\n((?:    .*\\n|\\s*\\n)+)`, 'm').exec(compose);
  if (!match?.[1]) throw new Error(`no service ${name}`);
  return match[1];
}

describe('stacks/local/docker-compose.yml', () => {
  it('runs LocalStack with exactly the services the app uses, and Redis, on loopback', () => {
    expect(service('localstack')).toMatch(/SERVICES: sqs,s3,dynamodb\n/);
    expect(service('localstack')).toContain('"127.0.0.1:4566:4566"');
    expect(service('redis')).toContain('"127.0.0.1:6379:6379"');
  });

  it('bootstraps once LocalStack is healthy, with the repository’s own bootstrap', () => {
    const bootstrap = service('bootstrap');
    expect(bootstrap).toMatch(/condition: service_healthy/);
    expect(bootstrap).toContain('AWS_ENDPOINT_URL: http://localstack:4566');
    expect(bootstrap).toContain('entrypoint: ["sh", "/repo/stacks/local/init/bootstrap.sh"]');
    const script = join(here, 'init/bootstrap.sh');
    expect(existsSync(script)).toBe(true);
    expect(statSync(script).mode & 0o111).not.toBe(0);
    expect(readFileSync(script, 'utf8')).toContain('/repo/stacks/local/bootstrap.ts');
  });
});
