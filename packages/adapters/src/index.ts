export { type AwsClientSettings, awsClientConfig } from './aws/client-config';
export { createInProcessEventBus } from './events/in-process-bus';
export { createRedisEventBus, DEFAULT_EVENTS_CHANNEL } from './events/redis-bus';
export { createJsonLogger, type LogLevel, redact } from './logging/json-logger';
