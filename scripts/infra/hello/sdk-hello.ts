// The cold-start floor of any function on this stack: the one-route Hono app of
// hono-hello.ts plus the AWS SDK clients every Paperlane function creates at init
// (DynamoDB document client, SQS, S3), bundled with the same options.
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient } from '@paperlane/store/document-client';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

const clients = [createDocumentClient({}), new SQSClient({}), new S3Client({})];
const app = new Hono().get('/api/jobs/:id', (c) =>
  c.json({ id: c.req.param('id'), clients: clients.length }),
);

export const handler = handle(app);
