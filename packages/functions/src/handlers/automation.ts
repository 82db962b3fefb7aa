import type { JobHandler } from '@paperlane/core';
import type { HandlerWiring } from '../container';
import { placeholderHandler } from '../placeholder-handlers';

/** The automation job module, built from the wiring. PLACEHOLDER until its job lands. */
export function automationModule(_wiring: HandlerWiring): JobHandler<'automation'> {
  return placeholderHandler;
}
