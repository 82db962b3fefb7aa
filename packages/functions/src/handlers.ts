import type { JobHandlers } from '@paperlane/core';
import type { HandlerWiring } from './container';
import { placeholderHandlers } from './placeholder-handlers';

/**
 * Every job module, wired from the container's parts. Queues whose module has not
 * landed yet complete with the clearly named placeholder.
 */
export function createJobHandlers(_wiring: HandlerWiring): JobHandlers {
  return { ...placeholderHandlers };
}
