import { permissions } from './access-rules';
import { alarms } from './alarm-rules';
import { apiRoutes } from './api-route-rules';
import { functionRules } from './function-rules';
import { packaging } from './packaging-rules';
import { queueRules } from './queue-rules';
import { schedules } from './schedule-rules';
import { table } from './table-rules';
import type { Rule, RuleContext, Violation } from './types';

export { loadAppRoutes } from './app-routes';
export type { AppRoute, RuleContext, Violation } from './types';

/** Every infra rule, in the order violations are reported. */
export const RULES: Rule[] = [
  ...queueRules,
  ...functionRules,
  permissions,
  packaging,
  alarms,
  table,
  schedules,
  apiRoutes,
];

/** Runs every rule over one evaluated stage. */
export function checkInfra(context: RuleContext): Violation[] {
  return RULES.flatMap((rule) => rule(context));
}

/** `[rule] component: message`, the form `npm run infra:check` prints. */
export function formatViolation(v: Violation): string {
  return `[${v.rule}] ${v.component}: ${v.message}`;
}
