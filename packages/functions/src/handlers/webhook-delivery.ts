import type { JobHandler } from '@paperlane/core';
import type { HandlerWiring } from '../container';
import { placeholderHandler } from '../placeholder-handlers';

/** The webhook-delivery job module, built from the wiring. PLACEHOLDER until its job lands. */
export function webhookDeliveryModule(_wiring: HandlerWiring): JobHandler<'webhook-delivery'> {
  return placeholderHandler;
}
