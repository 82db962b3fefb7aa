import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type DynaliteServer, startDynalite } from '@paperlane/testing';
import { createDocumentClient } from './document-client';
import { createStore, type Store } from './store';
import { ensureTable } from './table';

/** Test support (not exported from the package): one dynalite per test file, a fresh table per call. */
export interface TestDynamo {
  documentClient: DynamoDBDocumentClient;
  /** A store over a new, empty table. */
  freshStore(prefix?: string): Promise<Store & { tableName: string }>;
  stop(): Promise<void>;
}

export async function startTestDynamo(): Promise<TestDynamo> {
  const server: DynaliteServer = await startDynalite();
  const documentClient = createDocumentClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    env: {},
  });
  return {
    documentClient,
    async freshStore(prefix = 'paperlane-test') {
      const tableName = `${prefix}-${randomBytes(4).toString('hex')}`;
      await ensureTable(documentClient, tableName);
      return { ...createStore({ documentClient, tableName }), tableName };
    },
    async stop() {
      documentClient.destroy();
      await server.stop();
    },
  };
}

/** Fixed instants: the store never reads the clock, so tests pass time in. */
export const T0 = new Date('2030-01-01T00:00:00.000Z');
export function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}
