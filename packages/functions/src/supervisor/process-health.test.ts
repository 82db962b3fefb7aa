import { describe, expect, it } from 'vitest';
import { toChildSchema } from './messages';
import { processHealth } from './process-health';

describe("the API's view of its sibling processes", () => {
  it('one check per known role, ok only while that child is up; unknown roles are ignored', async () => {
    const health = processHealth('emulators,api,bogus,documents');
    expect(health.checks.map((c) => c.name)).toEqual([
      'process:emulators',
      'process:api',
      'process:documents',
    ]);
    const documents = health.checks[2];
    await expect(documents?.check()).rejects.toThrow('documents is unknown');
    health.update([
      {
        role: 'documents',
        state: 'restarting',
        restarts: 1,
        lastExit: { code: null, signal: 'SIGKILL', at: new Date().toISOString() },
      },
    ]);
    await expect(documents?.check()).rejects.toThrow('documents is restarting');
    health.update([{ role: 'documents', state: 'up', pid: 42, restarts: 1 }]);
    await expect(documents?.check()).resolves.toBeUndefined();
    const view = health.routes['/healthz/processes']?.();
    expect(await view?.json()).toEqual({
      supervisor: { pid: process.ppid },
      processes: [{ role: 'documents', state: 'up', pid: 42, restarts: 1 }],
    });
  });

  it('the control messages a child accepts are validated: hostile ones do not parse', () => {
    for (const hostile of [
      null,
      { kind: 'paperlane:processes' },
      { kind: 'paperlane:processes', processes: [{ role: 'root', state: 'up', restarts: 0 }] },
      { kind: 'paperlane:processes', processes: [{ role: 'api', state: 'up', restarts: -1 }] },
      { kind: 'paperlane:exec', command: 'rm -rf /' },
    ])
      expect(toChildSchema.safeParse(hostile).success).toBe(false);
    expect(toChildSchema.safeParse({ kind: 'paperlane:stop' }).success).toBe(true);
  });
});
