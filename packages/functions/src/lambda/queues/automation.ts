import { automationModule } from '../../handlers/automation';
import { createConsumer } from '../consumer';

/** Consumer of the automation queue (both lanes). */
export const handler = createConsumer('automation', automationModule);
