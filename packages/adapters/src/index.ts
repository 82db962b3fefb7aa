export {
  type AwsClientSettings,
  awsClientConfig,
  SQS_REQUEST_TIMEOUT_MS,
  sqsClientConfig,
} from './aws/client-config';
export {
  changesChannel,
  createIpcChangeFeed,
  createRedisChangeFeed,
  IPC_STORE_CHANGE,
  ipcChangeMessageSchema,
} from './events/change-feeds';
export { createInProcessEventBus } from './events/in-process-bus';
export { createInProcessChangeFeed } from './events/in-process-change-feed';
export {
  createIpcEventBus,
  IPC_JOB_EVENT,
  IPC_JOB_EVENTS_WANTED,
  type IpcBusMessage,
  type IpcChannel,
  ipcBusMessageSchema,
} from './events/ipc-bus';
export { createRedisEventBus, DEFAULT_EVENTS_CHANNEL } from './events/redis-bus';
export { createJsonLogger, type LogLevel, redact } from './logging/json-logger';
