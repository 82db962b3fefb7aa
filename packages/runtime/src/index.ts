export * from './adapter/bullmq/index';
export * from './adapter/lambda-sqs/index';
export * from './adapter/local-sqs/index';
export * from './adapter/sqs/index';
export * from './admin/index';
export * from './dispatcher/index';
export * from './fair-share/index';
export * from './processor/index';
