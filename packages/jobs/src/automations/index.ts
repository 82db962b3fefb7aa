export * from './actions';
export * from './actions-retry';
export * from './handler';
export * from './schedule';
export * from './schedule-next';
export { canonicalTimeZone } from './schedule-zone';
export * from './tick';
