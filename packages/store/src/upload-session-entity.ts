import { Entity, type FormattedItem, item, map, number, record, set, string } from 'dynamodb-toolbox';
import { sessionKey } from './keys';
import type { PaperlaneTable } from './table';
import { UPLOAD_SESSION_STATUSES, type UploadSessionRecord } from './upload-session';

export const UPLOAD_SESSION_ENTITY = 'UploadSession';

/**
 * The UploadSession item. Member ids are string sets, so appending is idempotent
 * (a redelivered append adds nothing); an empty set is simply absent.
 */
export function createUploadSessionEntity(table: PaperlaneTable) {
  return new Entity({
    name: UPLOAD_SESSION_ENTITY,
    table,
    timestamps: false,
    schema: item({
      tenantId: string().key(),
      sessionId: string().key(),
      createdBy: string().optional(),
      documentIds: set(string()).optional(),
      jobIds: set(string()).optional(),
      status: string().enum(...UPLOAD_SESSION_STATUSES),
      createdAt: string(),
      updatedAt: string(),
      expiresAt: string().optional(),
      uploadSlots: record(string(), number()).optional(),
      expectedJobs: number().optional(),
      completedAt: string().optional(),
      counts: map({ complete: number(), failed: number(), cancelled: number() }).optional(),
      announceClaimedAt: string().optional(),
      announcedAt: string().optional(),
      notifyEmail: string().optional(),
      notifyClaimedAt: string().optional(),
      notifyAttempts: number().optional(),
      notifiedAt: string().optional(),
      notifyError: string().optional(),
      // The tenant's session list (see keys.ts); absent on sessions written before it.
      gsi3pk: string().optional().hidden(),
      gsi3sk: string().optional().hidden(),
    }),
    computeKey: ({ tenantId, sessionId }) => sessionKey(tenantId, sessionId),
  });
}

export type UploadSessionEntity = ReturnType<typeof createUploadSessionEntity>;

export function toUploadSessionRecord(item: FormattedItem<UploadSessionEntity>): UploadSessionRecord {
  const { documentIds, jobIds, ...rest } = item;
  return { ...rest, documentIds: [...(documentIds ?? [])].sort(), jobIds: [...(jobIds ?? [])].sort() };
}
