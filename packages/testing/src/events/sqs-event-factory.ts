import { createHash, randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * An SQS record as Lambda's event source mapping delivers it. Override what a
 * test cares about; the rest is realistic.
 *
 * @example sqsRecordFactory({ body: JSON.stringify(envelope), receiveCount: 2 })
 */
export function sqsRecordFactory(
  overrides: Partial<Omit<SQSRecord, 'attributes'>> & { receiveCount?: number; queueName?: string } = {},
): SQSRecord {
  const { receiveCount, queueName, ...rest } = overrides;
  const body = rest.body ?? '{}';
  const now = String(Date.now());
  return {
    messageId: randomUUID(),
    receiptHandle: `rh-${randomUUID()}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount ?? 1),
      SentTimestamp: now,
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queueName ?? 'paperlane-automation'}`,
    awsRegion: 'us-east-1',
    ...rest,
  };
}

export function sqsEventFactory(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** A Lambda context whose remaining time counts down from `timeoutMs`. */
export function lambdaContextFactory(timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  return {
    awsRequestId: randomUUID(),
    functionName: 'paperlane-test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}
