export { storeTargetAccess, type TargetAccess } from './access';
export {
  createRealtimeConnection,
  type RealtimeConnection,
  type RealtimeConnectionOptions,
  type RealtimeRegistry,
  type RealtimeTimers,
  type RealtimeTransport,
  systemTimers,
} from './connection';
export { createRealtimeHub, type RealtimeHub } from './hub';
export * from './protocol';
