export * from './automations/index';
export * from './ingest/index';
