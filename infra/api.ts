import { sstNames } from '@paperlane/core';
import { CONSOLE_BUNDLE_DIR, consoleCopyFiles } from './console-files';
import { type LambdaOptions, lambdaArgs } from './lambda';
import { infraNames } from './names';
import { lambdaSpecs } from './needs';

/** Where API Gateway checks a bearer token before the app does. */
export type GatewayAuth = 'jwt' | 'none';

/**
 * The HTTP API's routes, all served by the one Hono app. The app authenticates
 * every `/api` and `/admin` request itself (HS256 with `JwtSecret`, or the issuer's
 * JWKS); with an external issuer the gateway also rejects bad tokens before they
 * cost an invocation. Health, the OpenAPI document and its docs page are public.
 * The web console (`GET /` and `/console/*`) is routed without the gateway's
 * authorizer: its files are public, and its session routes and the cookie it sets
 * are checked by the app (a JWT authorizer cannot read a cookie).
 */
export const API_ROUTES = [
  { route: 'ANY /api/{proxy+}', auth: 'jwt' },
  { route: 'ANY /admin/{proxy+}', auth: 'jwt' },
  { route: 'GET /healthz', auth: 'none' },
  { route: 'GET /openapi.json', auth: 'none' },
  { route: 'GET /docs', auth: 'none' },
  { route: 'GET /', auth: 'none' },
  { route: 'ANY /console/{proxy+}', auth: 'none' },
] as const satisfies readonly { route: string; auth: GatewayAuth }[];

/**
 * Hono routes that are deliberately not routed on AWS, with the reason. The
 * infra linter reports any other app route no gateway route reaches.
 */
export const NOT_ROUTED_ON_AWS: Readonly<Record<string, string>> = {
  'GET /docs/assets/:file': 'Lambda bundles do not carry swagger-ui-dist; the docs page loads it from a CDN',
  'GET /ws': 'realtime on AWS is the API Gateway WebSocket API (Realtime), not an upgrade on the HTTP API',
  'GET /metrics':
    'Prometheus text is for Node processes; on AWS every function writes CloudWatch EMF lines and CloudWatch holds the metrics',
  'GET /files/:token':
    'HMAC file links are for a local folder of files; on AWS links are S3 presigned GETs, so the bytes never pass through the function (which Lambda caps at 6 MB a response)',
};

/**
 * An external OIDC issuer for API Gateway's JWT authorizer. API Gateway validates
 * only asymmetric tokens from an issuer's JWKS, never the app's own HS256 tokens,
 * so without one the app alone checks tokens.
 */
export interface JwtIssuer {
  issuer: string;
  audiences: string[];
}

export interface HttpApiOptions extends Omit<LambdaOptions, 'timeoutSeconds'> {
  jwt?: JwtIssuer;
  corsOrigins: string[];
}

/** API Gateway's HTTP API integration timeout is 30 s; the function stops before it. */
export const API_TIMEOUT_SECONDS = 25;

export function httpApi(options: HttpApiOptions) {
  const { jwt, corsOrigins, ...lambda } = options;
  const args = lambdaArgs(lambdaSpecs.api, {
    ...lambda,
    timeoutSeconds: API_TIMEOUT_SECONDS,
    description: 'The Hono app behind the HTTP API',
  });
  // The console is served by this function from files copied into its package
  // (about 60 KB, a few ms to read once warm) rather than a separate static site:
  // one origin keeps its SameSite=Strict cookie and same-origin API calls working
  // with no CORS, and there is no second deploy target to keep in step.
  const fn = new sst.aws.Function(infraNames.apiFunction, {
    ...args,
    environment: { ...args.environment, CONSOLE_DIR: CONSOLE_BUNDLE_DIR },
    copyFiles: consoleCopyFiles(),
  });
  const api = new sst.aws.ApiGatewayV2(sstNames.httpApi, {
    // The gateway answers preflights itself, before any authorizer.
    cors: {
      allowOrigins: corsOrigins,
      allowHeaders: ['authorization', 'content-type', 'x-request-id'],
      allowMethods: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'],
      exposeHeaders: ['x-request-id', 'retry-after'],
      maxAge: '1 hour',
    },
    accessLog: { retention: options.logRetention },
  });
  const authorizer = jwt
    ? api.addAuthorizer({
        name: infraNames.jwtAuthorizer,
        jwt: { issuer: jwt.issuer, audiences: jwt.audiences },
      })
    : undefined;
  for (const { route, auth } of API_ROUTES) {
    api.route(
      route,
      fn.arn,
      auth === 'jwt' && authorizer ? { auth: { jwt: { authorizer: authorizer.id } } } : {},
    );
  }
  return { api, fn };
}
