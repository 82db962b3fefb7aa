import { thumbnailModule } from '../../handlers/thumbnail';
import { createConsumer } from '../consumer';

/** Consumer of the thumbnail queue (both lanes). */
export const handler = createConsumer('thumbnail', thumbnailModule);
