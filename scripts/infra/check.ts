/**
 * `npm run infra:check [-- --stage <stage> ...]`: evaluates the SST app for each
 * stage with recording stand-ins (nothing is deployed, no AWS account needed) and
 * prints one line per broken infra rule. Exits 1 when any rule is broken.
 *
 * Without --stage it checks `dev` and `production`; production's required deploy
 * settings get placeholders when unset, so the check runs anywhere. Run it with
 * `--stage production` and the real environment before a deploy.
 */
import { resolveTopology } from '@paperlane/core';
import { repoRoot } from '../../infra/repo';
import { checkInfra, formatViolation, loadAppRoutes } from '../../infra/rules/index';
import { evaluateSstConfig } from '../../infra/testing/evaluate';

const PLACEHOLDERS: Record<string, string> = { PAPERLANE_WEB_ORIGINS: 'https://app.example.invalid' };

function parseStages(argv: string[]): string[] | undefined {
  const stages: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--stage' && argv[i + 1]) stages.push(argv[++i] as string);
    else if (arg.startsWith('--stage=')) stages.push(arg.slice('--stage='.length));
    else {
      console.error(
        `infra:check: unknown argument ${arg}; usage: npm run infra:check [-- --stage <stage> ...]`,
      );
      process.exit(2);
    }
  }
  return stages.length > 0 ? stages : undefined;
}

async function main(): Promise<number> {
  const explicit = parseStages(process.argv.slice(2));
  const stages = explicit ?? ['dev', 'production'];
  const root = repoRoot();
  const appRoutes = await loadAppRoutes();
  const deployEnv = Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => /^(PAPERLANE_|JOB_|LOG_LEVEL$)/.test(e[0]) && !!e[1],
    ),
  );
  const found = new Map<string, string[]>();
  const unevaluated: string[] = [];
  let components = 0;
  for (const stage of stages) {
    const env = { ...deployEnv };
    if (!explicit) {
      for (const [key, value] of Object.entries(PLACEHOLDERS)) {
        if (!env[key]) {
          env[key] = value;
          console.log(`note: ${stage}: ${key} unset, checked with ${value}`);
        }
      }
    }
    try {
      const recording = await evaluateSstConfig({ stage, env });
      components += recording.components.length;
      for (const v of checkInfra({ recording, root, topology: resolveTopology(env), appRoutes })) {
        const line = formatViolation(v);
        found.set(line, [...(found.get(line) ?? []), stage]);
      }
    } catch (error) {
      unevaluated.push(stage);
      console.log(
        `✗ ${stage}: the app does not evaluate: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (!Array.isArray(appRoutes)) console.log(`note: ${appRoutes.unavailable}`);
  for (const [line, where] of found)
    console.log(`✗ ${line}${where.length < stages.length ? ` (${where.join(', ')})` : ''}`);
  if (unevaluated.length > 0 || found.size > 0) {
    const parts = [`${found.size} violation${found.size === 1 ? '' : 's'} in ${stages.join(', ')}`];
    if (unevaluated.length > 0) parts.push(`${unevaluated.join(', ')} did not evaluate`);
    console.log(`infra:check: ${parts.join('; ')}`);
    return 1;
  }
  console.log(`infra:check: ok (${stages.join(', ')}; ${components} components checked)`);
  return 0;
}

process.exitCode = await main();
