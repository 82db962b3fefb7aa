// A consumer in its own process, so a test can SIGKILL it mid-job.
// Reads its ConsumerConfig as JSON from PAPERLANE_CONSUMER_CONFIG; prints `ready` and `hang <jobId>`.
import { type ConsumerConfig, startConsumer } from './consumer';

const config = JSON.parse(process.env.PAPERLANE_CONSUMER_CONFIG ?? '{}') as ConsumerConfig;
await startConsumer(config, { onHang: (jobId) => process.stdout.write(`hang ${jobId}\n`) });
process.stdout.write('ready\n');
