import { sstNames } from '@paperlane/core';
import { type LambdaOptions, lambdaArgs } from './lambda';
import { infraNames } from './names';
import { lambdaSpecs } from './needs';

type Realtime = InstanceType<typeof sst.aws.ApiGatewayWebSocket>;

/** Routes of the WebSocket API, all served by one function (connections live in the table). */
export const REALTIME_ROUTES = ['$connect', '$disconnect', '$default'] as const;

/**
 * The WebSocket API is created first, so consumers, the sweeper and the realtime
 * function itself can link it (its management endpoint posts events to clients).
 */
export function realtimeApi(options: { logRetention: Sst.LogRetention }): Realtime {
  return new sst.aws.ApiGatewayWebSocket(sstNames.realtime, {
    accessLog: { retention: options.logRetention },
  });
}

export function realtimeRoutes(realtime: Realtime, options: Omit<LambdaOptions, 'timeoutSeconds'>) {
  const fn = new sst.aws.Function(
    infraNames.websocketFunction,
    lambdaArgs(lambdaSpecs.websocket, {
      ...options,
      // API Gateway WebSocket integrations time out at 29 s; $connect must answer fast.
      timeoutSeconds: 10,
      description: 'WebSocket $connect/$disconnect/$default',
    }),
  );
  for (const route of REALTIME_ROUTES) realtime.route(route, fn.arn);
  return fn;
}
