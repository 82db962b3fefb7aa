import type { JobHandler } from '@paperlane/core';
import type { HandlerWiring } from '../container';
import { placeholderHandler } from '../placeholder-handlers';

/** The thumbnail job module, built from the wiring. PLACEHOLDER until its job lands. */
export function thumbnailModule(_wiring: HandlerWiring): JobHandler<'thumbnail'> {
  return placeholderHandler;
}
