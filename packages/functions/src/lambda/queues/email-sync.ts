import { emailSyncModule } from '../../handlers/email-sync';
import { createConsumer } from '../consumer';

/** Consumer of the email-sync queue (both lanes). */
export const handler = createConsumer('email-sync', emailSyncModule);
