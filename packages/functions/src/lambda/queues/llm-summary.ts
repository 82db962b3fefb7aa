import { llmSummaryModule } from '../../handlers/llm-summary';
import { createConsumer } from '../consumer';

/** Consumer of the llm-summary queue (both lanes). */
export const handler = createConsumer('llm-summary', llmSummaryModule);
