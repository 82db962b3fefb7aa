import { type ConsumerFunctions, consumerFunctionsSchema } from '@paperlane/adapters/aws/consumer-functions';
import { ConfigError, consumerFunctionVariable, QUEUE_NAMES, type QueueName } from '@paperlane/core';
import type { ConsumerSwitch } from '@paperlane/runtime/admin/consumer-switch';

/**
 * The consumer function names infra passed in, validated.
 *
 * @throws ConfigError naming the bad variables (never their values).
 * @example consumerFunctionsFromEnv({ CONSUMER_FUNCTION_THUMBNAIL: 'paperlane-prod-Thumb' }) // { thumbnail: '...' }
 */
export function consumerFunctionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): ConsumerFunctions {
  const given = Object.fromEntries(
    QUEUE_NAMES.flatMap((queue) => {
      const value = env[consumerFunctionVariable(queue)];
      return value === undefined || value === '' ? [] : [[queue, value]];
    }),
  );
  const parsed = consumerFunctionsSchema.safeParse(given);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => consumerFunctionVariable(String(i.path[0]) as QueueName));
    throw new ConfigError(`invalid ${[...new Set(names)].join(', ')}: must be Lambda function names`, {
      code: 'invalid_config',
    });
  }
  return parsed.data;
}

/**
 * Pause and resume for the API on AWS: the consumers' event source mappings, switched
 * through the Lambda API. Undefined when infra named no consumer functions (off AWS).
 * The Lambda client loads on the first switch, so a cold start never pays for it.
 */
export function lambdaConsumerSwitch(
  env: Readonly<Record<string, string | undefined>>,
  region: string,
): ConsumerSwitch | undefined {
  const functions = consumerFunctionsFromEnv(env);
  if (Object.keys(functions).length === 0) return undefined;
  const endpoint = env.AWS_ENDPOINT_URL_LAMBDA || env.AWS_ENDPOINT_URL;
  let loaded: Promise<ConsumerSwitch> | undefined;
  const load = () =>
    (loaded ??= import('@paperlane/adapters/aws/lambda-consumer-switch').then(
      ({ createLambdaClient, createLambdaConsumerSwitch }) =>
        createLambdaConsumerSwitch({
          lambda: createLambdaClient({ region, ...(endpoint ? { endpoint } : {}) }),
          functions,
        }),
    ));
  return { setEnabled: async (queue, enabled) => (await load()).setEnabled(queue, enabled) };
}
