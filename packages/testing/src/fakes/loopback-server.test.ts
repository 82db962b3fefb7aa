import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsJsonError, awsJsonService, type LoopbackListener, listenOnLoopback } from './loopback-server';

let listener: LoopbackListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

const SIGNED = {
  authorization: 'AWS4-HMAC-SHA256 Credential=x',
  'content-type': 'application/x-amz-json-1.1',
};

async function service() {
  listener = await listenOnLoopback(
    createServer(
      awsJsonService(
        {
          targetPrefix: 'Svc',
          unknownTargetStatus: 404,
          requireContentType: true,
          internalErrorType: 'Boom',
        },
        ({ operation, body }) => {
          if (operation === 'Refuse') throw new AwsJsonError('ThrottlingException', 'slow down', 429);
          if (operation === 'Crash') throw new TypeError('a bug in the fake');
          return { operation, echo: body };
        },
      ),
    ),
  );
  const url = listener.url;
  return async (target: string, init: { headers?: Record<string, string>; body?: string } = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'x-amz-target': target, ...SIGNED, ...init.headers },
      body: init.body ?? '{"a":1}',
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
}

describe('awsJsonService', () => {
  it('answers an operation with its result, and each failure in the AWS JSON error shape', async () => {
    const call = await service();
    expect(await call('Svc.Echo')).toEqual({ status: 200, body: { operation: 'Echo', echo: { a: 1 } } });
    expect(await call('Svc.Refuse')).toEqual({
      status: 429,
      body: { __type: 'ThrottlingException', message: 'slow down' },
    });
    expect((await call('Other.Echo')).status).toBe(404);
    expect((await call('Svc.Echo', { headers: { authorization: 'Bearer x' } })).body.__type).toBe(
      'MissingAuthenticationTokenException',
    );
    expect((await call('Svc.Echo', { headers: { 'content-type': 'text/plain' } })).body.__type).toBe(
      'SerializationException',
    );
    const crash = await call('Svc.Crash');
    expect(crash.status).toBe(500);
    expect(crash.body.__type).toBe('Boom');
    expect(await call('Svc.Echo', { body: '{not json' })).toEqual({
      status: 400,
      body: { __type: 'SerializationException', message: 'The request body is not valid JSON' },
    });
  });

  it('closes with open keep-alive connections, and a second close is a no-op', async () => {
    const call = await service();
    await call('Svc.Echo');
    const closing = listener!;
    await closing.close();
    await expect(closing.close()).resolves.toBeUndefined();
    await expect(fetch(closing.url)).rejects.toThrow();
  });
});
