export { isImageType, sniffContentType } from './content-type';
export {
  assertFileSize,
  assertPixelLimit,
  DEFAULT_FILE_LIMITS,
  type FileLimits,
  type FileLimitsInput,
  fileLimitsSchema,
  parseFileLimits,
} from './file-limits';
export { imageError } from './image-errors';
export { type FileInfo, type ImageInfo, inspectFile, inspectImage } from './inspect-file';
export { inspectPdf, type OpenPdfOptions, openPdf, type PdfHandle } from './pdf-document';
export { type RenderedPage, type RenderPageOptions, renderPdfPage, renderScale } from './render-pdf-page';
