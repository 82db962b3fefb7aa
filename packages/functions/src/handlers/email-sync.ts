import type { JobHandler } from '@paperlane/core';
import type { HandlerWiring } from '../container';
import { placeholderHandler } from '../placeholder-handlers';

/** The email-sync job module, built from the wiring. PLACEHOLDER until its job lands. */
export function emailSyncModule(_wiring: HandlerWiring): JobHandler<'email-sync'> {
  return placeholderHandler;
}
