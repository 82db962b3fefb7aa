import type { JobHandlers } from '@paperlane/core';
import type { HandlerWiring } from './container';
import { automationModule } from './handlers/automation';
import { emailSyncModule } from './handlers/email-sync';
import { invoiceProcessingModule } from './handlers/invoice-processing';
import { llmSummaryModule } from './handlers/llm-summary';
import { thumbnailModule } from './handlers/thumbnail';
import { webhookDeliveryModule } from './handlers/webhook-delivery';

/**
 * Every job module, for processes that consume all queues (`npm start`,
 * `worker:all`). Each Lambda consumer imports only its own module from ./handlers.
 */
export function createJobHandlers(wiring: HandlerWiring): JobHandlers {
  return {
    'invoice-processing': invoiceProcessingModule(wiring),
    thumbnail: thumbnailModule(wiring),
    'llm-summary': llmSummaryModule(wiring),
    'email-sync': emailSyncModule(wiring),
    automation: automationModule(wiring),
    'webhook-delivery': webhookDeliveryModule(wiring),
  };
}
