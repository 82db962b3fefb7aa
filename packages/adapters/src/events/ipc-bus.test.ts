import { EventEmitter } from 'node:events';
import type { JobEvent, RealtimeEvent } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { createIpcEventBus, IPC_JOB_EVENT, IPC_JOB_EVENTS_WANTED, ipcBusMessageSchema } from './ipc-bus';

/** A child's end of an IPC channel: what it sends is recorded, `emit('message')` is the parent speaking. */
function channel() {
  const sent: unknown[] = [];
  const emitter = new EventEmitter();
  return Object.assign(emitter, { connected: true, sent, send: (m: unknown) => sent.push(m) });
}

const event: JobEvent = {
  type: 'job:complete',
  jobId: 'job_1',
  tenantId: 'acme',
  queue: 'thumbnail',
  status: 'complete',
  progress: 100,
  attempt: 1,
  at: '2026-12-04T10:00:00.000Z',
};

describe('IPC event bus', () => {
  it('delivers a publish locally and sends it to the parent; asks for events once it has a listener', async () => {
    const ch = channel();
    const bus = createIpcEventBus({ channel: ch });
    const seen: RealtimeEvent[] = [];
    bus.subscribe((e) => seen.push(e));
    bus.subscribe(() => {});
    await bus.publish(event);
    expect(seen).toEqual([event]);
    expect(ch.sent).toEqual([{ kind: IPC_JOB_EVENTS_WANTED }, { kind: IPC_JOB_EVENT, event }]);
    expect(ch.sent.every((m) => ipcBusMessageSchema.safeParse(m).success)).toBe(true);
  });

  it('hands relayed events to listeners and ignores hostile or foreign messages', () => {
    const ch = channel();
    const bus = createIpcEventBus({ channel: ch });
    const seen: RealtimeEvent[] = [];
    bus.subscribe((e) => seen.push(e));
    for (const hostile of [
      null,
      'text',
      { kind: IPC_JOB_EVENT },
      { kind: IPC_JOB_EVENT, event: { ...event, tenantId: '' } },
      { kind: IPC_JOB_EVENT, event: { ...event, extra: 'x' } },
      { kind: 'other', event },
    ])
      ch.emit('message', hostile);
    expect(seen).toEqual([]);
    ch.emit('message', { kind: IPC_JOB_EVENT, event });
    expect(seen).toEqual([event]);
  });

  it('drops sends once the channel is closed, and a throwing listener spares the others', async () => {
    const ch = channel();
    const bus = createIpcEventBus({ channel: ch });
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe((e) => seen.push('jobId' in e ? e.jobId : e.sessionId));
    ch.connected = false;
    await bus.publish(event);
    expect(seen).toEqual(['job_1']);
    expect(ch.sent).toEqual([{ kind: IPC_JOB_EVENTS_WANTED }]);
    await bus.close();
    expect(ch.listenerCount('message')).toBe(0);
  });
});
