import {
  type EventSourceMappingConfiguration,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { ConfigError, ConflictError, type QueueName } from '@paperlane/core';
import { type AwsClientSettings, awsClientConfig } from './client-config';
import { type ConsumerFunctions, consumerFunctionsSchema } from './consumer-functions';

export interface LambdaConsumerSwitchOptions {
  lambda: LambdaClient;
  functions: ConsumerFunctions;
  /**
   * Pauses before trying again an update Lambda refused because the mapping is
   * still changing state (ResourceInUseException). Default 0.5, 1 and 2 s.
   */
  retryDelaysMs?: readonly number[];
  /** How a pause is taken; tests make the transition end here instead of waiting. */
  wait?: (ms: number) => Promise<void>;
}

const SQS_SOURCE = /^arn:aws[a-z-]*:sqs:/;

/** A state that already is, or is on its way to, `enabled`: nothing to update. */
function reached(state: string | undefined, enabled: boolean): boolean {
  return enabled
    ? state === 'Enabled' || state === 'Enabling'
    : state === 'Disabled' || state === 'Disabling';
}

const errorName = (error: unknown) =>
  typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : undefined;

/**
 * A Lambda client for the switch (`endpoint`: LocalStack or a fake; unset on AWS).
 *
 * @example const lambda = createLambdaClient({ region: 'eu-west-1' });
 */
export function createLambdaClient(settings: AwsClientSettings = {}): LambdaClient {
  return new LambdaClient(awsClientConfig(settings));
}

/**
 * The runtime's `ConsumerSwitch` on AWS: a queue's consumer function is fed by
 * Lambda event source mappings (one per lane), and pausing the queue disables
 * them, so Lambda stops receiving its messages at all (the paused flag in the table
 * is what the local consumers read). Every SQS mapping of the queue's function is
 * switched; mappings already in (or on their way to) the wanted state are left
 * alone, so switching twice is harmless. A mapping still changing state is retried
 * a few times, then reported as a `ConflictError` (`consumer_switch_busy`).
 *
 * @throws ConfigError when the queue has no configured function, or its function no SQS mapping.
 * @example
 * const consumers = createLambdaConsumerSwitch({
 *   lambda: createLambdaClient(),
 *   functions: { thumbnail: 'paperlane-production-ThumbnailConsumerFunction-abc123' },
 * });
 * await consumers.setEnabled('thumbnail', false);
 */
export function createLambdaConsumerSwitch(options: LambdaConsumerSwitchOptions): {
  setEnabled(queue: QueueName, enabled: boolean): Promise<void>;
} {
  const parsed = consumerFunctionsSchema.safeParse(options.functions);
  if (!parsed.success) {
    const queues = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(functions)'))];
    throw new ConfigError(`invalid consumer function names for: ${queues.join(', ')}`, {
      code: 'invalid_config',
    });
  }
  const functions = parsed.data;
  const delays = options.retryDelaysMs ?? [500, 1000, 2000];
  const wait = options.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function mappingsOf(functionName: string): Promise<EventSourceMappingConfiguration[]> {
    const all: EventSourceMappingConfiguration[] = [];
    let Marker: string | undefined;
    do {
      const page = await options.lambda.send(
        new ListEventSourceMappingsCommand({ FunctionName: functionName, MaxItems: 100, Marker }),
      );
      all.push(...(page.EventSourceMappings ?? []));
      Marker = page.NextMarker;
    } while (Marker);
    return all;
  }

  async function update(queue: QueueName, uuid: string, enabled: boolean): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await options.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: enabled }));
        return;
      } catch (error) {
        const delay = delays[attempt];
        if (errorName(error) !== 'ResourceInUseException') throw error;
        if (delay === undefined) {
          throw new ConflictError(
            `the ${queue} consumer's event source ${uuid} is still changing state; try again in a few seconds`,
            { code: 'consumer_switch_busy', cause: error },
          );
        }
        await wait(delay);
      }
    }
  }

  return {
    async setEnabled(queue, enabled) {
      const functionName = functions[queue];
      if (!functionName) {
        throw new ConfigError(`no consumer function is configured for the ${queue} queue`, {
          code: 'consumer_unknown',
        });
      }
      const mappings = (await mappingsOf(functionName)).filter((m) =>
        SQS_SOURCE.test(m.EventSourceArn ?? ''),
      );
      if (mappings.length === 0) {
        throw new ConfigError(`${functionName} has no SQS event source mappings to switch`, {
          code: 'no_event_sources',
        });
      }
      for (const mapping of mappings) {
        if (!mapping.UUID || reached(mapping.State, enabled)) continue;
        await update(queue, mapping.UUID, enabled);
      }
    },
  };
}
