import { ConfigError } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config';
import { documentSettings } from './document-settings';

const settings = (env: Record<string, string>) => documentSettings(loadConfig(env));

/** The ConfigError documentSettings throws for `env`. */
function failure(env: Record<string, string>): ConfigError {
  try {
    settings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('documentSettings', () => {
  it('defaults to tesseract off Lambda, with the upload cap as the file cap and 150/300/600 thumbnails', () => {
    const { ocr, fileLimits, thumbnails } = settings({});
    expect(ocr.provider).toBe('tesseract');
    expect(ocr.textract.bucket).toBeUndefined(); // files are a local folder: no bucket for Textract to read
    expect(fileLimits).toMatchObject({ maxBytes: 25 * 1024 * 1024, maxPages: 100 });
    expect(thumbnails.widths).toEqual([150, 300, 600]);
  });

  it('defaults to textract on Lambda, reading multi-page PDFs from the bucket', () => {
    const { ocr } = settings({ AWS_LAMBDA_FUNCTION_NAME: 'ocr-consumer', BUCKET_NAME: 'acme-files' });
    expect(ocr.provider).toBe('textract');
    expect(ocr.textract).toMatchObject({ bucket: 'acme-files', region: 'us-east-1' });
    expect(ocr.textract.endpoint).toBeUndefined();
  });

  it('takes explicit choices, and treats blank values as unset', () => {
    const chosen = settings({
      OCR_PROVIDER: 'google-vision',
      GOOGLE_CREDENTIALS: JSON.stringify({ client_email: 'ocr@acme.iam', private_key: 'k', project_id: 'p' }),
      GOOGLE_VISION_ENDPOINT: 'http://127.0.0.1:9999',
      FILE_MAX_PAGES: '20',
      FILE_MAX_BYTES: '1000000',
      THUMBNAIL_WIDTHS: '100, 200',
      THUMBNAIL_FAIL_ON: 'none',
      OCR_PDF_DPI: '300',
      OCR_LANGUAGES: 'eng+ita',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
    });
    expect(chosen.ocr.provider).toBe('google-vision');
    expect(chosen.ocr.googleVision).toMatchObject({
      credentials: { client_email: 'ocr@acme.iam' },
      endpoint: 'http://127.0.0.1:9999',
    });
    expect(chosen.ocr.textract.endpoint).toBe('http://127.0.0.1:4566');
    expect(chosen.ocr.pdfText.dpi).toBe(300);
    expect(chosen.ocr.tesseract.languages).toBe('eng+ita');
    expect(chosen.fileLimits).toMatchObject({ maxPages: 20, maxBytes: 1_000_000 });
    expect(chosen.ocr.limits).toEqual(chosen.fileLimits);
    expect(chosen.thumbnails).toMatchObject({ widths: [100, 200], failOn: 'none' });

    const blank = settings({ OCR_PROVIDER: '', FILE_MAX_PAGES: '', THUMBNAIL_WIDTHS: '' });
    expect(blank.ocr.provider).toBe('tesseract');
    expect(blank.fileLimits.maxPages).toBe(100);
    expect(blank.thumbnails.widths).toEqual([150, 300, 600]);
  });

  it.each([
    [{ OCR_PROVIDER: 'abbyy' }, 'OCR_PROVIDER'],
    [{ OCR_PROVIDER: 'TEXTRACT ' }, 'OCR_PROVIDER'],
    [{ FILE_MAX_PAGES: '0' }, 'FILE_MAX_PAGES'],
    [{ FILE_MAX_PAGES: '-3' }, 'FILE_MAX_PAGES'],
    [{ FILE_MAX_PAGES: '1e9' }, 'FILE_MAX_PAGES'],
    [{ FILE_MAX_BYTES: 'lots' }, 'FILE_MAX_BYTES'],
    [{ FILE_MAX_INPUT_PIXELS: '2.5' }, 'FILE_MAX_INPUT_PIXELS'],
    [{ OCR_PDF_DPI: '5000' }, 'OCR_PDF_DPI'],
    [{ THUMBNAIL_QUALITY: '0' }, 'THUMBNAIL_QUALITY'],
    [{ THUMBNAIL_FAIL_ON: 'sometimes' }, 'THUMBNAIL_FAIL_ON'],
    [{ GOOGLE_VISION_ENDPOINT: 'not a url' }, 'GOOGLE_VISION_ENDPOINT'],
    [{ THUMBNAIL_WIDTHS: 'big,small' }, 'THUMBNAIL_WIDTHS'],
    [{ THUMBNAIL_WIDTHS: '150,,300' }, 'THUMBNAIL_WIDTHS'],
    [{ THUMBNAIL_WIDTHS: '5' }, 'THUMBNAIL_WIDTHS'],
    [{ THUMBNAIL_WIDTHS: '1,2,3,4,5,6,7,8,9' }, 'THUMBNAIL_WIDTHS'],
    [{ THUMBNAIL_WIDTHS: '150.5' }, 'THUMBNAIL_WIDTHS'],
    [{ OCR_LANGUAGES: 'eng+klingon' }, 'OCR_LANGUAGES'],
  ])('refuses %o, naming %s', (env, name) => {
    const error = failure(env);
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain(name);
  });

  it('refuses GOOGLE_CREDENTIALS that are not JSON without echoing them', () => {
    const secret = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC';
    const error = failure({ GOOGLE_CREDENTIALS: secret });
    expect(error.message).toContain('GOOGLE_CREDENTIALS');
    expect(error.message).not.toContain('BEGIN');
    expect(error.message).not.toContain('MIIE');
    expect(JSON.stringify(error)).not.toContain('MIIE');
    expect(String(error.cause ?? '')).not.toContain('MIIE');
  });

  it('refuses a JSON key without a private key, naming the field and not the value', () => {
    const error = failure({
      OCR_PROVIDER: 'google-vision',
      GOOGLE_CREDENTIALS: JSON.stringify({ client_email: 'leaky@acme.iam', private_key_id: 'zzz-secret' }),
    });
    expect(error.message).toMatch(/credentials/);
    expect(error.message).not.toContain('leaky@acme.iam');
    expect(error.message).not.toContain('zzz-secret');
  });
});
