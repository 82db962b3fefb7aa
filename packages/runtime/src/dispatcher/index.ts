export {
  createDispatcher,
  type Dispatcher,
  type DispatcherDeps,
  toMessage,
} from './dispatcher';
export { type SweepDeps, type SweepReport, startSweeper, sweepOnce } from './sweeper';
export type { OutgoingMessage, SendFailure, Transport } from './transport';
