import { idSchema } from '@paperlane/core';
import { z } from 'zod';

/** API Gateway connection ids are base64-like (`L0SM9cOFvHcCIhw=`); never contains the `#` separator. */
export const connectionIdSchema = z.string().regex(/^[A-Za-z0-9_=+/.-]{1,128}$/, 'not a connection id');

/** The TTL attribute (epoch seconds) of connection and subscription items; enable it on the table. */
export const WS_TTL_ATTRIBUTE = 'ttl';

export const wsTargetSchema = z.object({ kind: z.enum(['session', 'job']), id: idSchema });
export type WsTarget = z.infer<typeof wsTargetSchema>;

export const wsConnectionRecordSchema = z.object({
  connectionId: connectionIdSchema,
  tenantId: idSchema,
  userId: idSchema,
  subscriptionCount: z.number().int().min(0),
  connectedAt: z.iso.datetime(),
  /** Epoch seconds after which DynamoDB may delete the item (stale connections). */
  ttl: z.number().int(),
});
export type WsConnectionRecord = z.infer<typeof wsConnectionRecordSchema>;

export const newWsConnectionSchema = z.object({
  connectionId: connectionIdSchema,
  tenantId: idSchema,
  userId: idSchema,
  now: z.date(),
  /** How long the connection may live unrefreshed (API Gateway closes connections after 2 h). */
  ttlSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600),
});
export type NewWsConnection = z.input<typeof newWsConnectionSchema>;
