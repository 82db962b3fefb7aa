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
