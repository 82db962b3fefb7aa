import type { Store } from '@paperlane/store';
import type { SubscriptionTarget } from './protocol';

/** Whether a tenant may follow a target: it owns that session or job. */
export type TargetAccess = (tenantId: string, target: SubscriptionTarget) => Promise<boolean>;

/**
 * Access checked against the store. Reads are tenant-keyed, so another tenant's id
 * (guessed or leaked) is simply absent and the caller answers `not_found`.
 *
 * @example const canFollow = storeTargetAccess(store); await canFollow('acme', { kind: 'job', id })
 */
export function storeTargetAccess(store: Pick<Store, 'jobs' | 'sessions'>): TargetAccess {
  return async (tenantId, target) => {
    if (target.kind === 'session') {
      return (await store.sessions.get({ tenantId, sessionId: target.id })) !== undefined;
    }
    return (await store.jobs.get({ tenantId, jobId: target.id })) !== undefined;
  };
}
