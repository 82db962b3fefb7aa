import { describe, expect, it } from 'vitest';
import { createStandIns, installStandIns, Recording, type Ref } from './recorder';

describe('recording stand-ins', () => {
  it('record components with their args, and refs that lead back to them', () => {
    const recording = new Recording('dev');
    const { sst } = createStandIns(recording, { name: 'app', stage: 'dev' });
    const dlq = new sst.aws.Queue('Dlq');
    const queue = new sst.aws.Queue('Work', { dlq: { queue: dlq.arn, retry: 4 } });
    const fn = new sst.aws.Function('Worker', { handler: 'src/worker.handler', link: [queue] });
    queue.subscribe(fn.arn, { batch: { partialResponses: true } });
    expect(recording.components.map((c) => `${c.type} ${c.name}`)).toEqual([
      'sst.aws.Queue Dlq',
      'sst.aws.Queue Work',
      'sst.aws.Function Worker',
      'sst.aws.QueueSubscriber WorkSubscriber',
    ]);
    const subscriber = recording.find('sst.aws.QueueSubscriber', 'WorkSubscriber');
    expect(recording.resolve(subscriber?.args.subscriber)?.name).toBe('Worker');
    expect(
      recording.resolve(
        (recording.find('sst.aws.Queue', 'Work')?.args.dlq as { queue: Ref } | undefined)?.queue,
      )?.name,
    ).toBe('Dlq');
    expect(
      Recording.recordOf(
        (recording.find('sst.aws.Function', 'Worker')?.args.link as unknown[] | undefined)?.[0],
      )?.name,
    ).toBe('Work');
  });

  it('fail where SST would: a second subscriber, or two components of one type and name', () => {
    const recording = new Recording('dev');
    const { sst } = createStandIns(recording, { name: 'app', stage: 'dev' });
    const queue = new sst.aws.Queue('Work');
    queue.subscribe('src/a.handler');
    expect(() => queue.subscribe('src/b.handler')).toThrow(
      'Cannot subscribe to the "Work" queue multiple times.',
    );
    expect(() => new sst.aws.Queue('Work')).toThrow('duplicate sst.aws.Queue "Work"');
  });

  it('interpolate refs into readable text', () => {
    const recording = new Recording('dev');
    const { sst, $interpolate } = createStandIns(recording, { name: 'app', stage: 'dev' });
    const bucket = new sst.aws.Bucket('Files');
    expect(String($interpolate`s3://${bucket.name}/x`)).toBe('s3://<Files.name>/x');
  });

  it('install on globalThis and put back what was there', () => {
    const target = globalThis as Record<string, unknown>;
    target.$app = 'before';
    const restore = installStandIns(createStandIns(new Recording('dev'), { name: 'app', stage: 'dev' }));
    expect(target.$app).toEqual({ name: 'app', stage: 'dev', removal: 'retain' });
    expect(typeof target.sst).toBe('object');
    restore();
    expect(target.$app).toBe('before');
    expect('sst' in target).toBe(false);
    delete target.$app;
  });
});
