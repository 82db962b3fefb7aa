import type { HealthCheck } from '@paperlane/api';
import { isRole, type Role } from '../roles/roles';
import type { ProcessStatus } from './messages';

/**
 * The API child's view of its siblings, from the supervisor's pushes: one `/healthz`
 * check per child (`process:<role>`, ok while it is up) and `GET /healthz/processes`
 * with each child's state, pid and restart count.
 *
 * @param roles the supervisor's children, comma-separated (SUPERVISOR_ROLES)
 */
export function processHealth(roles: string | undefined) {
  let processes: ProcessStatus[] = [];
  const known: Role[] = (roles ?? '').split(',').filter(isRole);
  const checks: HealthCheck[] = known.map((role) => ({
    name: `process:${role}`,
    check: async () => {
      const state = processes.find((p) => p.role === role)?.state ?? 'unknown';
      if (state !== 'up') throw new Error(`${role} is ${state}`);
    },
  }));
  return {
    checks,
    routes: {
      '/healthz/processes': () =>
        Response.json(
          { supervisor: { pid: process.ppid }, processes },
          { headers: { 'cache-control': 'no-store' } },
        ),
    },
    update(next: ProcessStatus[]) {
      processes = next;
    },
  };
}
