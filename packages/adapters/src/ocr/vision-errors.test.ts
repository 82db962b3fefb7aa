import { AbortedError, ConfigError, RetryableError, ValidationError } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { visionError } from './vision-errors';

describe('visionError', () => {
  it('maps parsed GoogleErrors by their canonical code, reading RetryInfo', () => {
    const throttled = visionError({
      code: 8,
      message: 'quota',
      statusDetails: [{ retryDelay: { seconds: '2', nanos: 500_000_000 } }],
    });
    expect(throttled).toBeInstanceOf(RetryableError);
    expect(throttled).toMatchObject({ code: 'ocr_throttled', retryAfterMs: 2500 });
    expect(visionError({ code: 14, message: 'down' })).toMatchObject({ code: 'ocr_unavailable' });
    expect(visionError({ code: 3, message: 'Bad image data.' })).toMatchObject({ code: 'corrupt_file' });
    expect(visionError({ code: 16, message: 'who?' })).toBeInstanceOf(ConfigError);
    expect(visionError({ code: 5, message: 'gone' })).toMatchObject({
      code: 'ocr_rejected',
      permanent: true,
    });
  });

  it('maps raw HTTP errors by the status name in their body, else by the HTTP status', () => {
    const body = JSON.stringify({
      error: { code: 400, message: 'Request contains an invalid argument.', status: 'INVALID_ARGUMENT' },
    });
    expect(visionError({ code: 400, message: body })).toBeInstanceOf(ValidationError);
    expect(visionError({ code: 503, message: 'Service Unavailable' })).toBeInstanceOf(RetryableError);
    expect(
      visionError({
        code: 429,
        response: { data: { error: { status: 'RESOURCE_EXHAUSTED', details: [{ retryDelay: '7s' }] } } },
      }),
    ).toMatchObject({
      code: 'ocr_throttled',
      retryAfterMs: 7000,
    });
  });

  it('treats network failures as retryable and aborts as aborts', () => {
    expect(
      visionError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBeInstanceOf(RetryableError);
    const controller = new AbortController();
    controller.abort();
    expect(visionError(new Error('x'), controller.signal)).toBeInstanceOf(AbortedError);
  });

  it('passes unknown errors through', () => {
    const error = new TypeError('bug');
    expect(visionError(error)).toBe(error);
  });
});
