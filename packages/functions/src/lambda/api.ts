/**
 * The HTTP API on Lambda behind API Gateway (HTTP API, payload v2): the same Hono
 * app `npm start` serves.
 */
import { createApp } from '@paperlane/api';
import { handle } from 'hono/aws-lambda';
import { buildApiDeps } from '../api-deps';
import { createAwsWiring } from './aws-wiring';

const wiring = createAwsWiring();
const app = createApp(
  buildApiDeps(wiring, {
    ...(wiring.config.env.JWT_SECRET ? { jwtSecret: wiring.config.env.JWT_SECRET } : {}),
  }),
);

export const handler = handle(app);
