import { idSchema } from '@paperlane/core';
import { z } from 'zod';

export const ROLES = ['user', 'admin'] as const;

/**
 * Who is calling, from a verified token's claims. `admin` is an operator of the
 * Paperlane deployment (queues, dead letters), not a tenant's administrator.
 */
export const principalSchema = z.object({
  tenantId: idSchema,
  userId: idSchema,
  role: z.enum(ROLES),
});
export type Principal = z.infer<typeof principalSchema>;
