import { invoiceProcessingModule } from '../../handlers/invoice-processing';
import { createConsumer } from '../consumer';

/** Consumer of the invoice-processing queue (both lanes). */
export const handler = createConsumer('invoice-processing', invoiceProcessingModule);
