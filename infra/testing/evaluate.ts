import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../repo';
import { createStandIns, installStandIns, Recording } from './recorder';

/** Deploy settings read from the environment; cleared during an evaluation so only `env` counts. */
const DEPLOY_ENV = /^(?:PAPERLANE_|JOB_|LOG_LEVEL$)/;

export interface EvaluateOptions {
  stage: string;
  /** The deploy environment (`PAPERLANE_*`, `JOB_*` topology overrides). */
  env?: Record<string, string>;
  /** Defaults to the repository's `sst.config.ts`. */
  configPath?: string;
}

/** Runs `run` with only `env` as the deploy environment, then puts the environment back. */
export async function withDeployEnv<T>(env: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (DEPLOY_ENV.test(key)) delete process.env[key];
  Object.assign(process.env, env);
  try {
    return await run();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

/**
 * Runs the SST app the way `sst deploy --stage <stage>` would (`app()`, then
 * `run()`), with recording stand-ins for SST's globals, and returns what it created.
 *
 * @example const recording = await evaluateSstConfig({ stage: 'production', env: { PAPERLANE_WEB_ORIGINS: 'https://app.example.com' } })
 */
export async function evaluateSstConfig(options: EvaluateOptions): Promise<Recording> {
  const recording = new Recording(options.stage);
  // $config must exist while the module loads; $app only once app() has named the app.
  let restore = installStandIns(createStandIns(recording, { name: 'unnamed', stage: options.stage }));
  try {
    const path = options.configPath ?? join(repoRoot(), 'sst.config.ts');
    const config = (await import(pathToFileURL(path).href)).default as Sst.Config;
    recording.app = config.app({ stage: options.stage });
    restore();
    const { name, removal } = recording.app;
    restore = installStandIns(
      createStandIns(recording, { name, stage: options.stage, ...(removal ? { removal } : {}) }),
    );
    const outputs = await withDeployEnv(options.env ?? {}, async () => config.run());
    recording.outputs = outputs ?? {};
    return recording;
  } finally {
    restore();
  }
}
