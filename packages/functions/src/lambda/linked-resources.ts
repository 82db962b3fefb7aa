import { QUEUE_NAMES, type SqsQueueNames, sstNames } from '@paperlane/core';
import type { SqsQueueUrls } from '@paperlane/runtime/adapter/sqs/queue-urls';
import { Resource } from 'sst';

type Linked = Record<string, Record<string, string> | undefined>;

/** A linked resource's properties, or undefined when this function is not linked to it. */
function linked(name: string): Record<string, string> | undefined {
  try {
    return (Resource as unknown as Linked)[name];
  } catch {
    // SST's Resource throws for names that were not linked.
    return undefined;
  }
}

/**
 * The settings SST links into a deployed function, as the environment variables
 * `loadConfig` reads. The only place `Resource` is read: everything below the entry
 * points takes plain configuration, so it runs the same off AWS.
 */
export function linkedEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  const set = (key: string, value: string | undefined) => {
    // An unset secret is an empty string in SST: treat it as absent.
    if (value !== undefined && value !== '') env[key] = value;
  };
  set('TABLE_NAME', linked(sstNames.table)?.name);
  set('BUCKET_NAME', linked(sstNames.bucket)?.name);
  set('JWT_SECRET', linked(sstNames.secrets.jwtSecret)?.value);
  set('OPENAI_API_KEY', linked(sstNames.secrets.openAiApiKey)?.value);
  set('GOOGLE_CREDENTIALS', linked(sstNames.secrets.googleCredentials)?.value);
  set('REALTIME_MANAGEMENT_ENDPOINT', linked(sstNames.realtime)?.managementEndpoint);
  return env;
}

/** The lanes and DLQs this function is linked to; sends to others fail over to the sweeper. */
export function linkedQueueUrls(): Partial<SqsQueueUrls> {
  const urls: Partial<SqsQueueUrls> = {};
  for (const queue of QUEUE_NAMES) {
    const lane = (which: keyof SqsQueueNames) => linked(sstNames.queue(queue, which))?.url;
    const high = lane('high');
    const low = lane('low');
    const dlq = lane('dlq');
    if (high && low && dlq) urls[queue] = { high, low, dlq };
  }
  return urls;
}
