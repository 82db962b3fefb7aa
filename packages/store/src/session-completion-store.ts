import { type SessionCounts, sessionCountsSchema } from '@paperlane/core';
import { $add, $remove, $set, UpdateItemCommand } from 'dynamodb-toolbox';
import { conditional } from './conditional';
import type { PaperlaneTable } from './table';
import type { UploadSessionRecord } from './upload-session';
import { createUploadSessionEntity, toUploadSessionRecord } from './upload-session-entity';
import type { SessionRef } from './upload-session-store';
import { parseId, parseInput, toIso } from './validate';

/**
 * The writes that finish an upload session and announce it once. Apart from
 * `UploadSessionStore` because only the functions that settle jobs need them: the API
 * function builds `createStore` without them, within its package budget.
 */
export interface SessionCompletionStore {
  /**
   * open → complete with how its jobs ended; `undefined` if the session is missing or
   * already complete (exactly one caller wins).
   */
  complete(
    input: SessionRef & { now: Date; counts: SessionCounts },
  ): Promise<UploadSessionRecord | undefined>;
  /**
   * Takes on announcing a complete session: succeeds when it is not announced and no
   * claim is held, or the held claim is older than `staleBefore` (its holder died).
   * `undefined` when another holds a live claim or it is announced.
   */
  claimAnnouncement(
    input: SessionRef & { now: Date; staleBefore: Date },
  ): Promise<UploadSessionRecord | undefined>;
  /** Records the announcement made under the claim taken at `claimedAt`; `false` if the claim was lost. */
  markAnnounced(input: SessionRef & { claimedAt: string; now: Date }): Promise<boolean>;
  /**
   * Takes on emailing the uploader of a complete session that asked for it: succeeds
   * when no email was sent (or given up on) and no claim is held, or the held claim is
   * older than `staleBefore`; counts the attempt. `undefined` otherwise.
   */
  claimNotification(
    input: SessionRef & { now: Date; staleBefore: Date },
  ): Promise<UploadSessionRecord | undefined>;
  /**
   * Records the email as sent — or, with `error`, given up on — under the claim taken at
   * `claimedAt`; `false` if the claim was lost.
   */
  markNotified(input: SessionRef & { claimedAt: string; now: Date; error?: string }): Promise<boolean>;
  /** Lets go of the claim taken at `claimedAt` after a send that may work later. */
  releaseNotification(input: SessionRef & { claimedAt: string }): Promise<boolean>;
}

/**
 * The DynamoDB `SessionCompletionStore`, over the store's table.
 *
 * @example const completion = createSessionCompletionStore(store.table); await completion.complete({ tenantId, sessionId, counts, now });
 */
export function createSessionCompletionStore(table: PaperlaneTable): SessionCompletionStore {
  const Session = createUploadSessionEntity(table);
  const ref = (input: SessionRef): SessionRef => ({
    tenantId: parseId(input.tenantId, 'tenantId'),
    sessionId: parseId(input.sessionId, 'sessionId'),
  });
  const record = (
    attributes: Parameters<typeof toUploadSessionRecord>[0] | undefined,
  ): UploadSessionRecord | undefined => (attributes ? toUploadSessionRecord(attributes) : undefined);

  return {
    async complete(input) {
      const key = ref(input);
      const counts = parseInput(sessionCountsSchema, input.counts, 'session counts');
      const nowIso = toIso(input.now, 'now');
      const outcome = await conditional(Session, () =>
        Session.build(UpdateItemCommand)
          .item({ ...key, status: 'complete', completedAt: nowIso, counts: $set(counts), updatedAt: nowIso })
          .options({ condition: { attr: 'status', eq: 'open' }, returnValues: 'ALL_NEW' })
          .send(),
      );
      return outcome.ok ? record(outcome.value.Attributes) : undefined;
    },

    async claimAnnouncement(input) {
      const key = ref(input);
      const outcome = await conditional(Session, () =>
        Session.build(UpdateItemCommand)
          .item({ ...key, announceClaimedAt: toIso(input.now, 'now') })
          .options({
            condition: {
              and: [
                { attr: 'status', eq: 'complete' },
                { attr: 'announcedAt', exists: false },
                {
                  or: [
                    { attr: 'announceClaimedAt', exists: false },
                    { attr: 'announceClaimedAt', lt: toIso(input.staleBefore, 'staleBefore') },
                  ],
                },
              ],
            },
            returnValues: 'ALL_NEW',
          })
          .send(),
      );
      return outcome.ok ? record(outcome.value.Attributes) : undefined;
    },

    async claimNotification(input) {
      const key = ref(input);
      const outcome = await conditional(Session, () =>
        Session.build(UpdateItemCommand)
          .item({ ...key, notifyClaimedAt: toIso(input.now, 'now'), notifyAttempts: $add(1) })
          .options({
            condition: {
              and: [
                { attr: 'status', eq: 'complete' },
                { attr: 'notifyEmail', exists: true },
                { attr: 'notifiedAt', exists: false },
                {
                  or: [
                    { attr: 'notifyClaimedAt', exists: false },
                    { attr: 'notifyClaimedAt', lt: toIso(input.staleBefore, 'staleBefore') },
                  ],
                },
              ],
            },
            returnValues: 'ALL_NEW',
          })
          .send(),
      );
      return outcome.ok ? record(outcome.value.Attributes) : undefined;
    },

    async markNotified(input) {
      const key = ref(input);
      const outcome = await conditional(Session, () =>
        Session.build(UpdateItemCommand)
          .item({
            ...key,
            notifiedAt: toIso(input.now, 'now'),
            ...(input.error !== undefined ? { notifyError: input.error.slice(0, 500) } : {}),
          })
          .options({
            condition: {
              and: [
                { attr: 'notifyClaimedAt', eq: input.claimedAt },
                { attr: 'notifiedAt', exists: false },
              ],
            },
          })
          .send(),
      );
      return outcome.ok;
    },

    async releaseNotification(input) {
      const key = ref(input);
      const outcome = await conditional(Session, () =>
        Session.build(UpdateItemCommand)
          .item({ ...key, notifyClaimedAt: $remove() })
          .options({ condition: { attr: 'notifyClaimedAt', eq: input.claimedAt } })
          .send(),
      );
      return outcome.ok;
    },

    async markAnnounced(input) {
      const key = ref(input);
      const outcome = await conditional(Session, () =>
        Session.build(UpdateItemCommand)
          .item({ ...key, announcedAt: toIso(input.now, 'now') })
          .options({
            condition: {
              and: [
                { attr: 'announceClaimedAt', eq: input.claimedAt },
                { attr: 'announcedAt', exists: false },
              ],
            },
          })
          .send(),
      );
      return outcome.ok;
    },
  };
}
