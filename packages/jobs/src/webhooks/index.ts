export * from './attempt-outcome';
export * from './delivery-handler';
export * from './event-match';
export * from './fanout';
export type * from './ports';
export * from './redeliver';
export * from './signature';
