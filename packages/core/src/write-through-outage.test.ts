import { describe, expect, it } from 'vitest';
import { AbortedError, PermanentError } from './errors';
import { silentLogger as quiet } from './ports/logger';
import { writeThroughOutage } from './write-through-outage';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

/** A store that refuses `failures` writes, calling `onRefusal` with the try number each time. */
function flakyWrite(failures: number, onRefusal: (tries: number) => void = () => {}) {
  let tries = 0;
  const write = async () => {
    tries++;
    if (tries <= failures) {
      onRefusal(tries);
      throw refused();
    }
    return `written on try ${tries}`;
  };
  return { write, tries: () => tries };
}

describe('writeThroughOutage', () => {
  it('retries a transient refusal until the store answers', async () => {
    const store = flakyWrite(2);
    await expect(writeThroughOutage(store.write, { deadlineMs: 10_000, logger: quiet })).resolves.toBe(
      'written on try 3',
    );
  });

  it('treats a write that throws before returning its promise like a refused one', async () => {
    let tries = 0;
    const write = (): Promise<string> => {
      tries++;
      if (tries === 1) throw refused();
      return Promise.resolve(`written on try ${tries}`);
    };
    await expect(writeThroughOutage(write, { deadlineMs: 10_000, logger: quiet })).resolves.toBe(
      'written on try 2',
    );
    const permanent = () => {
      throw new PermanentError('bad input');
    };
    await expect(writeThroughOutage(permanent, { deadlineMs: 10_000, logger: quiet })).rejects.toThrow(
      'bad input',
    );
  });

  it('gives up at once on a permanent error, and at the deadline on a lasting outage', async () => {
    const permanent = async () => {
      throw new PermanentError('no such table');
    };
    await expect(writeThroughOutage(permanent, { deadlineMs: 10_000, logger: quiet })).rejects.toThrow(
      'no such table',
    );
    const store = flakyWrite(Number.POSITIVE_INFINITY);
    await expect(writeThroughOutage(store.write, { deadlineMs: 100, logger: quiet })).rejects.toThrow(
      'ECONNREFUSED',
    );
    expect(store.tries()).toBe(1);
  });

  it('stops when its signal aborts for a shutdown or a time budget', async () => {
    const controller = new AbortController();
    const store = flakyWrite(Number.POSITIVE_INFINITY, () =>
      controller.abort(new AbortedError('time budget exhausted')),
    );
    await expect(
      writeThroughOutage(store.write, {
        deadlineMs: 10_000,
        signal: controller.signal,
        outlastsClaim: true,
        logger: quiet,
      }),
    ).rejects.toThrow('ECONNREFUSED');
    expect(store.tries()).toBe(1);
  });

  it('a lost claim stops a plain write but not one that outlasts the claim', async () => {
    const lostClaim = () => new AbortedError('lease lapsed', { code: 'claim_lost' });
    const plain = new AbortController();
    const stopped = flakyWrite(3, () => plain.abort(lostClaim()));
    await expect(
      writeThroughOutage(stopped.write, { deadlineMs: 10_000, signal: plain.signal, logger: quiet }),
    ).rejects.toThrow('ECONNREFUSED');
    expect(stopped.tries()).toBe(1);

    // Lost during the first pause (as a lease keeper finds it), then the store comes back.
    const fenced = new AbortController();
    const kept = flakyWrite(3, (tries) => {
      if (tries === 1) queueMicrotask(() => fenced.abort(lostClaim()));
    });
    await expect(
      writeThroughOutage(kept.write, {
        deadlineMs: 10_000,
        signal: fenced.signal,
        outlastsClaim: true,
        logger: quiet,
      }),
    ).resolves.toBe('written on try 4');
    expect(fenced.signal.aborted).toBe(true);
  });
});
