import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ConfigError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, INDEXES, tableDefinition } from './table';
import { startTestDynamo, type TestDynamo } from './test-store';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});

afterAll(async () => {
  await dynamo.stop();
});

describe('tableDefinition', () => {
  it('is on-demand, keyed pk/sk, with four GSIs projecting everything', () => {
    const definition = tableDefinition('paperlane');
    expect(definition).toMatchObject({
      TableName: 'paperlane',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    expect(definition.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual([
      'gsi1',
      'gsi2',
      'gsi3',
      'gsi4',
    ]);
    for (const index of definition.GlobalSecondaryIndexes ?? []) {
      expect(index.Projection).toEqual({ ProjectionType: 'ALL' });
    }
    expect(definition.AttributeDefinitions).toHaveLength(10);
    expect(definition.AttributeDefinitions?.every((a) => a.AttributeType === 'S')).toBe(true);
  });

  it('names the same indexes as the INDEXES constant', () => {
    const names = Object.values(INDEXES).map((index) => index.name);
    expect(tableDefinition('t').GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(names);
  });
});

describe('ensureTable', () => {
  it('creates the table, waits for ACTIVE, and is idempotent', async () => {
    const first = await ensureTable(dynamo.documentClient, 'ensure-twice');
    expect(first.TableStatus).toBe('ACTIVE');
    const second = await ensureTable(dynamo.documentClient, 'ensure-twice');
    expect(second.TableArn).toBe(first.TableArn);
    const { Table } = await dynamo.documentClient.send(
      new DescribeTableCommand({ TableName: 'ensure-twice' }),
    );
    expect(Table?.GlobalSecondaryIndexes).toHaveLength(4);
  });

  it('survives two concurrent callers', async () => {
    const [a, b] = await Promise.all([
      ensureTable(dynamo.documentClient, 'ensure-race'),
      ensureTable(dynamo.documentClient, 'ensure-race'),
    ]);
    expect(a.TableArn).toBe(b.TableArn);
  });

  it('refuses an existing table that lacks the indexes', async () => {
    const { GlobalSecondaryIndexes: _, ...bare } = tableDefinition('ensure-bare');
    await dynamo.documentClient.send(
      new CreateTableCommand({ ...bare, AttributeDefinitions: bare.AttributeDefinitions?.slice(0, 2) }),
    );
    await expect(ensureTable(dynamo.documentClient, 'ensure-bare')).rejects.toBeInstanceOf(ConfigError);
  });
});
