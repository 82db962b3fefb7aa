import { QUEUE_NAMES, sstNames } from '@paperlane/core';

/**
 * What SST's `Resource` would hold in a deployed function, pointing at `endpoint`
 * (the loopback stub), for `SST_RESOURCES_JSON`. Every name infra can link is
 * present, so an entry point initialises whatever it reads.
 */
export function fakeSstResources(endpoint: string): Record<string, Record<string, string>> {
  const resources: Record<string, Record<string, string>> = {
    App: { name: 'paperlane', stage: 'bench' },
    [sstNames.table]: { type: 'sst.aws.Dynamo', name: 'paperlane-bench-jobs' },
    [sstNames.bucket]: { type: 'sst.aws.Bucket', name: 'paperlane-bench-files' },
    [sstNames.httpApi]: { type: 'sst.aws.ApiGatewayV2', url: `${endpoint}/api-gateway` },
    [sstNames.realtime]: {
      type: 'sst.aws.ApiGatewayWebSocket',
      url: 'wss://realtime.invalid',
      managementEndpoint: `${endpoint}/realtime`,
    },
    [sstNames.secrets.jwtSecret]: {
      type: 'sst.sst.Secret',
      value: 'bench-secret-bench-secret-bench-secret!',
    },
    [sstNames.secrets.openAiApiKey]: { type: 'sst.sst.Secret', value: '' },
    [sstNames.secrets.googleCredentials]: { type: 'sst.sst.Secret', value: '' },
  };
  for (const queue of QUEUE_NAMES) {
    for (const lane of ['high', 'low', 'dlq'] as const) {
      const name = sstNames.queue(queue, lane);
      resources[name] = { type: 'sst.aws.Queue', url: `${endpoint}/000000000000/${name}` };
    }
  }
  return resources;
}

/**
 * The environment a cold-start run gives function `name`: the stand-in resources and
 * the AWS stub at `endpoint`, as bench:coldstart and profile:init both run bundles.
 *
 * @example coldStartEnv('ApiHandler', stub.endpoint).AWS_LAMBDA_FUNCTION_NAME // 'ApiHandler'
 */
export function coldStartEnv(name: string, endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    SST_RESOURCES_JSON: JSON.stringify(fakeSstResources(endpoint)),
  };
}
