import { sweepShard, tenantPrefix } from './keys';

/** Base key of an automation. */
export function automationKey(tenantId: string, automationId: string): { pk: string; sk: string } {
  return { pk: `${tenantPrefix(tenantId)}AUT#${automationId}`, sk: 'AUT' };
}

/** gsi3 (overloaded): a tenant's automations, grouped by owner. */
export function automationsPk(tenantId: string): string {
  return `${tenantPrefix(tenantId)}AUT`;
}

export const AUTOMATION_OWNER_PREFIX = 'U#';

export function ownerPrefix(tenantUserId: string): string {
  return `${AUTOMATION_OWNER_PREFIX}${tenantUserId}#`;
}

export function automationOwnerSk(tenantUserId: string, automationId: string): string {
  return `${ownerPrefix(tenantUserId)}${automationId}`;
}

/**
 * gsi4 (the sweep index), in partitions of its own: `AUTDUE#<shard>` never meets the
 * job sweeper's `SWEEP#<shard>`. Sparse: only enabled automations with a next run.
 */
export function automationDuePk(shard: number): string {
  return `AUTDUE#${shard}`;
}

export function automationDueKeys(
  nextRunAt: string,
  tenantId: string,
  automationId: string,
): { gsi4pk: string; gsi4sk: string } {
  return {
    gsi4pk: automationDuePk(sweepShard(automationId)),
    gsi4sk: `${nextRunAt}#${tenantId}#${automationId}`,
  };
}

/** Sorts after every `<nowIso>#…` sort key and before any later time: `lt` this selects `nextRunAt <= now`. */
export function dueUpperBound(nowIso: string): string {
  return `${nowIso}$`;
}
