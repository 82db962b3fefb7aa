import { webhookDeliveryModule } from '../../handlers/webhook-delivery';
import { createConsumer } from '../consumer';

/** Consumer of the webhook-delivery queue (both lanes). */
export const handler = createConsumer('webhook-delivery', webhookDeliveryModule);
