// The cold-start baseline: a one-route Hono app through hono/aws-lambda, bundled
// with the same options as the real functions. Its route answers the canned API event.
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

const app = new Hono().get('/api/jobs/:id', (c) => c.json({ id: c.req.param('id') }));

export const handler = handle(app);
