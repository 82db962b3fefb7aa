import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVisionFake, type VisionFake } from './vision-server';

let fake: VisionFake;
beforeAll(async () => {
  fake = await startVisionFake();
});
afterAll(() => fake.stop());

const post = (path: string, body: unknown, auth = 'Bearer token') =>
  fetch(`http://${fake.host}:${fake.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: auth },
    body: JSON.stringify(body),
  });

const image = {
  requests: [{ image: { content: 'aGVsbG8=' }, features: [{ type: 'DOCUMENT_TEXT_DETECTION' }] }],
};

describe('Vision fake', () => {
  it('answers the global and project-scoped routes, enums by name or number', async () => {
    expect((await post('/v1/images:annotate', image)).status).toBe(200);
    const numeric = { requests: [{ image: { content: 'aGVsbG8=' }, features: [{ type: 11 }] }] };
    expect((await post('/v1/projects/p/locations/eu/images:annotate', numeric)).status).toBe(200);
    expect((await post('/v1/images:detect', image)).status).toBe(404);
  });

  it('answers errors as google.rpc.Status bodies', async () => {
    const unauthenticated = await post('/v1/images:annotate', image, '');
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toEqual({
      error: { code: 401, message: expect.any(String), status: 'UNAUTHENTICATED' },
    });
    fake.script('images:annotate', {
      error: { status: 'RESOURCE_EXHAUSTED', httpStatus: 429, retryDelaySeconds: 5 },
    });
    const throttled = await post('/v1/images:annotate', image);
    expect(await throttled.json()).toMatchObject({
      error: { status: 'RESOURCE_EXHAUSTED', details: [{ retryDelay: '5s' }] },
    });
  });

  it('refuses more than five pages per file request', async () => {
    const file = {
      requests: [
        {
          inputConfig: { content: 'aGVsbG8=', mimeType: 'application/pdf' },
          features: [{ type: 'DOCUMENT_TEXT_DETECTION' }],
          pages: [1, 2, 3, 4, 5, 6],
        },
      ],
    };
    const response = await post('/v1/files:annotate', file);
    expect(response.status).toBe(400);
  });
});
