import { idSchema } from '@paperlane/core';
import { z } from 'zod';

export const ROLES = ['user', 'admin', 'operator'] as const;

/**
 * Who is calling, from a verified token's claims. `admin` administers its own tenant
 * (its failed jobs and their redrive, every mailbox and automation of the tenant);
 * `operator` runs the deployment (queue depths, pause/resume, the whole DLQ, Bull
 * Board). No tenant role has deployment-wide power.
 */
export const principalSchema = z.object({
  tenantId: idSchema,
  userId: idSchema,
  role: z.enum(ROLES),
});
export type Principal = z.infer<typeof principalSchema>;
export type PrincipalRole = (typeof ROLES)[number];
