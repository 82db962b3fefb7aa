export {
  parseThumbnailConfig,
  renderThumbnails,
  type Thumbnail,
  type ThumbnailConfig,
  type ThumbnailConfigInput,
  type ThumbnailSet,
  thumbnailConfigSchema,
} from './render-thumbnails';
