import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, RetryableError } from '@paperlane/core';
import {
  annotateImageError,
  annotateImageResponse,
  startVisionFake,
  type VisionFake,
} from '@paperlane/testing/fakes/vision-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pngDeclaring, scannedPdf, textImage } from '../files/test-support/hostile-files';
import { createGoogleVisionClient, createGoogleVisionOcr } from './google-vision-ocr';

let fake: VisionFake;
let ocr: ReturnType<typeof createGoogleVisionOcr>;

// A real service-account key shape: the client signs its own JWT with it (no token server).
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const credentials = {
  client_email: 'ocr@paperlane-test.iam.gserviceaccount.com',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  project_id: 'paperlane-test',
};

beforeAll(async () => {
  fake = await startVisionFake();
  ocr = createGoogleVisionOcr({
    client: createGoogleVisionClient({ credentials, endpoint: `http://${fake.host}:${fake.port}` }),
  });
});
afterAll(async () => {
  await ocr.close();
  await fake.stop();
});
beforeEach(() => {
  fake.requests.length = 0;
});

describe('Google Vision OCR (real client, REST transport, against the local fake)', () => {
  it('reads an image with DOCUMENT_TEXT_DETECTION, signed with the service-account key', async () => {
    fake.script('images:annotate', {
      body: {
        responses: [annotateImageResponse('Invoice INV-2026-001\nTotal 1,234.56 EUR', { confidence: 0.93 })],
      },
    });
    const image = await textImage(['Invoice']);
    const result = await ocr.recognize({ bytes: image, contentType: 'image/png', languages: ['en', 'de'] });

    expect(result).toEqual({
      provider: 'google-vision',
      text: 'Invoice INV-2026-001\nTotal 1,234.56 EUR',
      pages: [{ pageNumber: 1, text: 'Invoice INV-2026-001\nTotal 1,234.56 EUR', confidence: 0.93 }],
    });
    const [request] = fake.requests;
    expect(request?.method).toBe('images:annotate');
    const sent = request?.body.requests?.[0];
    expect(Buffer.from(sent?.image?.content ?? '', 'base64')).toEqual(Buffer.from(image));
    expect(sent?.imageContext?.languageHints).toEqual(['en', 'de']);
    const token = String(request?.headers.authorization).replace('Bearer ', '');
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    expect(claims.iss).toBe(credentials.client_email);
  });

  it('reads a 7-page PDF through files:annotate, five pages per request', async () => {
    const progress: number[] = [];
    const result = await ocr.recognize({
      bytes: await scannedPdf([['1'], ['2'], ['3'], ['4'], ['5'], ['6'], ['7']]),
      contentType: 'application/pdf',
      onProgress: (f) => progress.push(f),
    });
    expect(fake.requests.map((r) => [r.method, r.body.requests?.[0]?.pages])).toEqual([
      ['files:annotate', [1, 2, 3, 4, 5]],
      ['files:annotate', [6, 7]],
    ]);
    expect(fake.requests[0]?.body.requests?.[0]?.inputConfig?.mimeType).toBe('application/pdf');
    expect(result.pages.map((p) => [p.pageNumber, p.text])).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((n) => [n, `Fake page ${n}`]),
    );
    expect(progress).toEqual([5 / 7, 1, 1]);
  });

  it('maps RESOURCE_EXHAUSTED to a retryable error carrying RetryInfo, in one attempt', async () => {
    fake.script('images:annotate', {
      error: {
        status: 'RESOURCE_EXHAUSTED',
        httpStatus: 429,
        message: 'Quota exceeded',
        retryDelaySeconds: 30,
      },
    });
    const failure = ocr.recognize({ bytes: await textImage(['x']), contentType: 'image/png' });
    await expect(failure).rejects.toBeInstanceOf(RetryableError);
    await expect(failure).rejects.toMatchObject({ code: 'ocr_throttled', retryAfterMs: 30_000 });
    expect(fake.requests).toHaveLength(1);
  });

  it('does not retry UNAVAILABLE inside the client: the queue decides', async () => {
    fake.script('images:annotate', {
      error: { status: 'UNAVAILABLE', httpStatus: 503, message: 'try later' },
    });
    await expect(
      ocr.recognize({ bytes: await textImage(['x']), contentType: 'image/png' }),
    ).rejects.toMatchObject({
      code: 'ocr_unavailable',
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('maps INVALID_ARGUMENT to a permanent error', async () => {
    fake.script('images:annotate', {
      error: { status: 'INVALID_ARGUMENT', httpStatus: 400, message: 'Request is bad' },
    });
    await expect(
      ocr.recognize({ bytes: await textImage(['x']), contentType: 'image/png' }),
    ).rejects.toMatchObject({
      code: 'ocr_invalid_request',
      permanent: true,
    });
  });

  it.each([
    ['INTERNAL', 500, 'ocr_unavailable', false],
    ['DEADLINE_EXCEEDED', 504, 'ocr_unavailable', false],
    ['UNAUTHENTICATED', 401, 'ocr_access_denied', true],
    ['NOT_FOUND', 404, 'ocr_rejected', true],
  ])('maps %s (HTTP %i) to %s', async (status, httpStatus, code, permanent) => {
    fake.script('images:annotate', { error: { status, httpStatus, message: 'no' } });
    const failure = ocr.recognize({ bytes: await textImage(['x']), contentType: 'image/png' });
    await expect(failure).rejects.toMatchObject({ code });
    await expect(failure.catch((error: { permanent?: boolean }) => error.permanent === true)).resolves.toBe(
      permanent,
    );
    expect(fake.requests).toHaveLength(1);
  });

  it('maps throttling of a PDF (files:annotate) to a retryable error', async () => {
    fake.script('files:annotate', {
      error: {
        status: 'RESOURCE_EXHAUSTED',
        httpStatus: 429,
        message: 'Quota exceeded',
        retryDelaySeconds: 5,
      },
    });
    const failure = ocr.recognize({
      bytes: await scannedPdf([['1'], ['2']]),
      contentType: 'application/pdf',
    });
    await expect(failure).rejects.toBeInstanceOf(RetryableError);
    await expect(failure).rejects.toMatchObject({ code: 'ocr_throttled', retryAfterMs: 5_000 });
  });

  it('fails an image Vision cannot read (an error inside a 200 response) as corrupt', async () => {
    fake.script('images:annotate', { body: { responses: [annotateImageError(3, 'Bad image data.')] } });
    await expect(
      ocr.recognize({ bytes: await textImage(['x']), contentType: 'image/png' }),
    ).rejects.toMatchObject({
      code: 'corrupt_file',
      permanent: true,
    });
  });

  it('maps PERMISSION_DENIED to a configuration error', async () => {
    fake.script('images:annotate', {
      error: { status: 'PERMISSION_DENIED', httpStatus: 403, message: 'API disabled' },
    });
    await expect(
      ocr.recognize({ bytes: await textImage(['x']), contentType: 'image/png' }),
    ).rejects.toBeInstanceOf(ConfigError);
  });

  it('refuses a pixel bomb without calling Vision', async () => {
    await expect(
      ocr.recognize({ bytes: pngDeclaring(20_000, 20_000), contentType: 'image/png' }),
    ).rejects.toMatchObject({
      code: 'pixel_limit_exceeded',
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('treats an unreachable endpoint as retryable', async () => {
    const dead = createGoogleVisionOcr({
      client: createGoogleVisionClient({ credentials, endpoint: 'http://127.0.0.1:9' }),
    });
    await expect(
      dead.recognize({ bytes: await textImage(['x']), contentType: 'image/png' }),
    ).rejects.toBeInstanceOf(RetryableError);
    await dead.close();
  });
});
