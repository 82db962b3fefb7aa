import { SQSClient } from '@aws-sdk/client-sqs';
import { sqsClientConfig } from '@paperlane/adapters';
import { provisionSqsQueues } from '@paperlane/runtime';
import { createDocumentClient, ensureTable } from '@paperlane/store';
import type { Config } from '../config/config';
import { type EmbeddedServices, startEmbeddedServices } from '../embedded';

/**
 * The emulators role: dynalite (persisted under DATA_DIR/dynamo) and, when SQS carries
 * jobs, fauxqs, on the ports given (so a restart keeps every other process's endpoint).
 * Provisions the table and every queue + DLQ from the topology on each start: fauxqs
 * keeps its state in memory and starts empty.
 */
export async function startEmulatorsRole(
  config: Config,
  ports: { dynamodb?: number; sqs?: number },
): Promise<EmbeddedServices> {
  const services = await startEmbeddedServices(config, { ports });
  const { env } = config;
  try {
    const { dynamodb, sqs } = services.endpoints;
    if (dynamodb) {
      const client = createDocumentClient({ endpoint: dynamodb, region: env.AWS_REGION });
      await ensureTable(client, env.TABLE_NAME).finally(() => client.destroy());
    }
    if (sqs) {
      const client = new SQSClient(sqsClientConfig({ endpoint: sqs, region: env.AWS_REGION }));
      await provisionSqsQueues(client, config.topology, env.QUEUE_PREFIX).finally(() => client.destroy());
    }
  } catch (error) {
    await services.stop();
    throw error;
  }
  return services;
}
