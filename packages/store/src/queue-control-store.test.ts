import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueueControlStore } from './queue-control-store';
import { at, startTestDynamo, type TestDynamo } from './test-store';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

describe('queue control store', () => {
  it('pauses and resumes one queue without touching the others', async () => {
    const store = await dynamo.freshStore();
    const control = createQueueControlStore(store.table);
    expect(await control.isPaused('thumbnail')).toBe(false);
    await control.setPaused('thumbnail', true, at(0));
    expect(await control.isPaused('thumbnail')).toBe(true);
    expect(await control.isPaused('automation')).toBe(false);
    expect([...(await control.pausedQueues())]).toEqual(['thumbnail']);
    await control.setPaused('thumbnail', false, at(1));
    expect(await control.isPaused('thumbnail')).toBe(false);
    expect((await control.pausedQueues()).size).toBe(0);
  });

  it('refuses a queue name outside the catalog before it reaches a key', async () => {
    const store = await dynamo.freshStore();
    const control = createQueueControlStore(store.table);
    // @ts-expect-error hostile input from an untyped caller
    await expect(control.setPaused('thumbnail#CONTROL', true, at(0))).rejects.toThrow(/invalid queue/);
    // @ts-expect-error hostile input from an untyped caller
    await expect(control.isPaused('')).rejects.toThrow(/invalid queue/);
  });
});
