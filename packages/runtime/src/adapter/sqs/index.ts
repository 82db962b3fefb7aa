export * from './message-ops';
export * from './provision';
export * from './queue-urls';
export * from './sqs-transport';
