import { generateKeyPairSync } from 'node:crypto';
import { TextractClient } from '@aws-sdk/client-textract';
import { ConfigError } from '@paperlane/core';
import { startTextractFake, type TextractFake } from '@paperlane/testing/fakes/textract-server';
import { startVisionFake, type VisionFake } from '@paperlane/testing/fakes/vision-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scannedPdf, textImage, textPdf } from '../files/test-support/hostile-files';
import { createOcrProvider, parseOcrConfig } from './create-ocr-provider';

let textract: TextractFake;
let vision: VisionFake;
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

beforeAll(async () => {
  [textract, vision] = await Promise.all([startTextractFake(), startVisionFake()]);
});
afterAll(async () => {
  await Promise.all([textract.stop(), vision.stop()]);
});

describe('createOcrProvider', () => {
  it('puts the PDF text layer in front of Textract', async () => {
    const client = new TextractClient({
      endpoint: textract.endpoint,
      region: 'eu-west-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const ocr = await createOcrProvider(
      { provider: 'textract', textract: { bucket: 'files' } },
      { textract: client },
    );
    expect(ocr.name).toBe('pdf-text+textract');
    const text = await ocr.recognize({
      bytes: await textPdf([['Invoice INV-1 with a text layer']]),
      contentType: 'application/pdf',
    });
    expect(text.provider).toBe('pdf-text');
    expect(textract.requests).toHaveLength(0);
    const scanned = await ocr.recognize({
      bytes: await scannedPdf([['scan']]),
      contentType: 'application/pdf',
    });
    expect(scanned.provider).toBe('textract');
    expect(textract.requests.map((r) => r.operation)).toEqual(['AnalyzeExpense']);
    await ocr.close();
  });

  it('builds a Google Vision client from a service-account key and an endpoint', async () => {
    const ocr = await createOcrProvider({
      provider: 'google-vision',
      googleVision: {
        credentials: {
          type: 'service_account',
          client_email: 'ocr@p.iam.gserviceaccount.com',
          private_key: privateKey,
        },
        endpoint: `http://${vision.host}:${vision.port}`,
      },
    });
    const result = await ocr.recognize({ bytes: await textImage(['hello']), contentType: 'image/png' });
    expect(result.provider).toBe('google-vision');
    expect(vision.requests).toHaveLength(1);
    await ocr.close();
  });

  it('refuses bad configuration without echoing secrets', () => {
    const attempt = () =>
      parseOcrConfig({
        provider: 'google-vision',
        googleVision: { credentials: { client_email: '', private_key: privateKey } },
      });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/googleVision\.credentials\.client_email/);
    try {
      attempt();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('PRIVATE KEY');
    }
    expect(() => parseOcrConfig({ provider: 'azure' })).toThrow(/provider/);
    expect(() => parseOcrConfig({ provider: 'tesseract', tesseract: { languages: 'eng+klingon' } })).toThrow(
      /tesseract\.languages/,
    );
    expect(() => parseOcrConfig({ provider: 'textract', limits: { maxPages: 0 } })).toThrow(
      /limits\.maxPages/,
    );
  });

  it('fills defaults', () => {
    const config = parseOcrConfig({ provider: 'tesseract' });
    expect(config.tesseract.languages).toBe('eng+deu+fra+nld+spa');
    expect(config.pdfText).toEqual({ minCharsPerPage: 16, dpi: 200 });
    expect(config.limits.maxPages).toBe(100);
  });
});
