import type { Topology } from '@paperlane/core';
import type { Recording } from '../testing/recorder';

/** One broken rule, for one component, said so a person can fix it. */
export interface Violation {
  rule: RuleName;
  component: string;
  message: string;
}

export type RuleName =
  | 'queue-coverage'
  | 'dead-letter'
  | 'topology'
  | 'visibility'
  | 'partial-responses'
  | 'concurrency'
  | 'handler'
  | 'runtime'
  | 'links'
  | 'permissions'
  | 'packaging'
  | 'gateway-timeout'
  | 'alarms'
  | 'table'
  | 'schedules'
  | 'api-routes';

/** A route the Hono app serves, e.g. `{ method: 'GET', path: '/api/jobs/:job_id' }`. */
export interface AppRoute {
  method: string;
  path: string;
}

export interface RuleContext {
  recording: Recording;
  /** Where handler paths are resolved (the repository root). */
  root: string;
  /** The topology the stack was built from (the same env overrides). */
  topology: Topology;
  /** The app's routes, or why they are unavailable (the route rule is then skipped). */
  appRoutes: AppRoute[] | { unavailable: string };
}

export type Rule = (context: RuleContext) => Violation[];
