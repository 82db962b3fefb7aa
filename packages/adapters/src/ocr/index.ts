export {
  createOcrProvider,
  OCR_PROVIDERS,
  type OcrClients,
  type OcrConfig,
  type OcrConfigInput,
  type OcrProviderName,
  ocrConfigSchema,
  parseOcrConfig,
} from './create-ocr-provider';
export {
  createGoogleVisionClient,
  createGoogleVisionOcr,
  type GoogleServiceAccountKey,
  type GoogleVisionClientConfig,
  type GoogleVisionOcrOptions,
} from './google-vision-ocr';
export type { OcrBackend } from './ocr-backend';
export { createPdfTextOcr, type PdfTextOcrOptions } from './pdf-text-ocr';
export {
  DEFAULT_TESSERACT_LANGUAGES,
  TESSERACT_LANGUAGES,
  type TesseractLanguage,
  tesseractLanguages,
} from './tesseract-languages';
export { textFromTesseractTsv } from './tesseract-layout';
export { createTesseractOcr, type TesseractOcrOptions } from './tesseract-ocr';
export {
  createTesseractRunner,
  sharedTesseractRunner,
  type TesseractRecognition,
  type TesseractRunner,
  type TesseractRunnerOptions,
} from './tesseract-runner';
export { type LayoutOptions, linesFromRuns, pageTextFromPdfjs, type TextRun } from './text-layout';
export { textractError } from './textract-errors';
export { fieldsFromExpenseDocuments, pagesFromExpenseDocuments } from './textract-expense';
export { createTextractOcr, type TextractOcrOptions } from './textract-ocr';
export { visionError, visionStatusError } from './vision-errors';
