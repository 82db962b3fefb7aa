import { ConfigError, idSchema, type QueueName, queueNameSchema, type Topology } from '@paperlane/core';
import type { FairShareCaps } from '@paperlane/runtime/fair-share/admission';
import { z } from 'zod';

const cap = z.number().int().min(1).max(1_000);

/**
 * `FAIR_SHARE_TENANT_CAPS`: per-tenant overrides as JSON, a cap for every queue or one
 * per queue, e.g. `{"tenant-big":{"invoice-processing":16},"tenant-small":1}`.
 */
export const tenantCapsSchema = z
  .record(idSchema, z.union([cap, z.partialRecord(queueNameSchema, cap)]))
  .refine((caps) => Object.keys(caps).length <= 1_000, 'at most 1,000 tenants');

export type TenantCaps = z.infer<typeof tenantCapsSchema>;

/** What fair share runs with, or `undefined` when it is off. */
export interface FairShareSettings {
  caps: FairShareCaps;
  recheckMs: number;
}

/**
 * The caps from the environment: a tenant's own (`FAIR_SHARE_TENANT_CAPS`), else
 * `FAIR_SHARE_MAX_IN_FLIGHT`, else the queue's worker concurrency, so one tenant alone
 * can still use every worker of a process, and a second tenant's job waits for at most
 * one of the first tenant's jobs to finish.
 *
 * @example
 * const settings = fairShareSettings({ FAIR_SHARE_MAX_IN_FLIGHT: '2' }, topology);
 * settings?.caps('tenant-a', 'thumbnail'); // 2
 * @throws ConfigError for a malformed `FAIR_SHARE_TENANT_CAPS` (the message never repeats its value).
 */
export function fairShareSettings(
  env: {
    FAIR_SHARE: 'on' | 'off';
    FAIR_SHARE_MAX_IN_FLIGHT?: number;
    FAIR_SHARE_TENANT_CAPS?: string;
    FAIR_SHARE_RECHECK_MS: number;
  },
  topology: Topology,
): FairShareSettings | undefined {
  if (env.FAIR_SHARE === 'off') return undefined;
  const tenants = parseTenantCaps(env.FAIR_SHARE_TENANT_CAPS);
  const caps: FairShareCaps = (tenantId: string, queue: QueueName) => {
    const own = tenants[tenantId];
    const tenantCap = typeof own === 'number' ? own : own?.[queue];
    return tenantCap ?? env.FAIR_SHARE_MAX_IN_FLIGHT ?? topology[queue].concurrency;
  };
  return { caps, recheckMs: env.FAIR_SHARE_RECHECK_MS };
}

function parseTenantCaps(text: string | undefined): TenantCaps {
  if (text === undefined || text.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError('invalid configuration: FAIR_SHARE_TENANT_CAPS is not JSON');
  }
  const parsed = tenantCapsSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration: FAIR_SHARE_TENANT_CAPS ${problems.join('; ')}`);
  }
  return parsed.data;
}
