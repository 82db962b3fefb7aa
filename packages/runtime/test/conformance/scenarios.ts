import { appendFileSync, readFileSync } from 'node:fs';
import { type JobHandlers, PermanentError } from '@paperlane/core';

/**
 * Test job behaviour, chosen by the `automation` payload's tenantUserId prefix
 * (`ok.1`, `flaky.2`, ...), so the same handlers run in-process and in a child
 * worker process. Every attempt and every completed effect is appended to a file.
 */
export type Scenario = 'ok' | 'flaky' | 'broken' | 'permanent' | 'hang';

export interface ScenarioOptions {
  effectsFile: string;
  /** Called when a `hang.*` job starts its first attempt (the child process prints it). */
  onHang?: (jobId: string) => void;
}

export function scenarioHandlers(options: ScenarioOptions): JobHandlers {
  return {
    automation: async (ctx) => {
      const [scenario] = ctx.payload.tenantUserId.split('.') as [Scenario];
      appendFileSync(options.effectsFile, `attempt ${ctx.job.jobId} ${ctx.attempt}\n`);
      switch (scenario) {
        case 'ok':
          break;
        case 'flaky':
          if (ctx.attempt < 2) throw new Error('transient failure');
          break;
        case 'broken':
          throw new Error('always fails');
        case 'permanent':
          throw new PermanentError('unreadable input', { code: 'bad_input' });
        case 'hang':
          if (ctx.attempt === 1) {
            options.onHang?.(ctx.job.jobId);
            await new Promise((_, reject) =>
              ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
            );
          }
          break;
      }
      appendFileSync(options.effectsFile, `effect ${ctx.job.jobId}\n`);
      return { scenario, attempt: ctx.attempt };
    },
  };
}

export function readEffects(effectsFile: string): {
  attempts: Map<string, number>;
  effects: Map<string, number>;
  /** Runs of the settled hook per job (processor or sweeper). */
  settled: Map<string, number>;
} {
  const attempts = new Map<string, number>();
  const effects = new Map<string, number>();
  const settled = new Map<string, number>();
  let text = '';
  try {
    text = readFileSync(effectsFile, 'utf8');
  } catch {
    // no file yet: nothing ran
  }
  for (const line of text.split('\n')) {
    const [kind, jobId] = line.split(' ');
    if (!jobId) continue;
    const map = kind === 'effect' ? effects : kind === 'settled' ? settled : attempts;
    map.set(jobId, (map.get(jobId) ?? 0) + 1);
  }
  return { attempts, effects, settled };
}
