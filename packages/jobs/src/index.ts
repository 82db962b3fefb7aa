export * from './automations/index';
export * from './document-jobs';
export * from './email-sync/index';
export * from './ingest/index';
export * from './invoice-processing/index';
export * from './llm-summary/index';
export * from './thumbnail/index';
export * from './webhooks/index';
