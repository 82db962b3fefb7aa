export {
  createThumbnailHandler,
  type RenderedThumbnail,
  type RenderedThumbnails,
  type RenderThumbnails,
  type ThumbnailDeps,
} from './handler';
