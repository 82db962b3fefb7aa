import { NOT_ROUTED_ON_AWS } from '../api';
import { parseAppRoute, parseGatewayRoute, routesOverlap } from './route-patterns';
import type { Rule, Violation } from './types';

/**
 * Every HTTP API route reaches something the Hono app serves, and every app route
 * is reachable through the gateway (or is listed, with a reason, as not routed on AWS).
 */
export const apiRoutes: Rule = ({ recording, appRoutes }) => {
  if (!Array.isArray(appRoutes)) return [];
  const out: Violation[] = [];
  const app = appRoutes.map(parseAppRoute);
  const gateway = recording.ofType('sst.aws.ApiGatewayV2Route').map((r) => ({
    api: String(r.args.api),
    pattern: parseGatewayRoute(String(r.args.route)),
  }));
  for (const { api, pattern } of gateway) {
    if (!app.some((a) => routesOverlap(pattern, a))) {
      out.push({
        rule: 'api-routes',
        component: api,
        message: `route ${pattern.text} is not served by the Hono app (no app route matches it)`,
      });
    }
  }
  for (const route of app) {
    if (route.text in NOT_ROUTED_ON_AWS) continue;
    if (!gateway.some((g) => routesOverlap(g.pattern, route))) {
      out.push({
        rule: 'api-routes',
        component: gateway[0]?.api ?? 'Api',
        message: `the app's ${route.text} is reachable through no API Gateway route; add one, or list it in NOT_ROUTED_ON_AWS (infra/api.ts) with the reason`,
      });
    }
  }
  return out;
};
