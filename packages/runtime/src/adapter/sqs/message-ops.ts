import {
  ChangeMessageVisibilityCommand,
  type MessageAttributeValue,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { MAX_VISIBILITY_TIMEOUT_SECONDS } from '@paperlane/core';
import { sqsDelaySeconds } from './sqs-transport';

export const DLQ_REASON_ATTRIBUTE = 'paperlane-error';
export const DLQ_CODE_ATTRIBUTE = 'paperlane-error-code';
export const DLQ_SOURCE_ATTRIBUTE = 'paperlane-source-queue';
export const DLQ_ENCODING_ATTRIBUTE = 'paperlane-body-encoding';

/** Makes a received message visible again after `delayMs` (rounded up to whole seconds, capped at 12 h). */
export async function setVisibility(
  client: SQSClient,
  queueUrl: string,
  receiptHandle: string,
  delayMs: number,
) {
  const seconds = Math.min(MAX_VISIBILITY_TIMEOUT_SECONDS, Math.max(0, Math.ceil(delayMs / 1000)));
  await client.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
}

/** Sends a fresh copy of a message, delayed (up to SQS's 15 minutes): its receive count starts again. */
export async function resendDelayed(
  client: SQSClient,
  queueUrl: string,
  body: string,
  delayMs: number,
  attributes?: Record<string, MessageAttributeValue>,
) {
  await client.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: body,
      DelaySeconds: sqsDelaySeconds(delayMs),
      ...(attributes && Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
    }),
  );
}

/** Puts a message on the dead-letter queue with the reason attached, for the admin view and redrive. */
export async function sendToDeadLetter(
  client: SQSClient,
  dlqUrl: string,
  body: string,
  failure: { reason: string; code: string; sourceQueue: string },
) {
  // Attribute values must be valid SQS text too: strip what SQS refuses from the (hostile) reason.
  const text = (value: string) => ({
    DataType: 'String',
    StringValue: value.replace(SQS_INVALID_CHARS, '\uFFFD').slice(0, 1024) || '-',
  });
  const attributes = {
    [DLQ_REASON_ATTRIBUTE]: text(failure.reason),
    [DLQ_CODE_ATTRIBUTE]: text(failure.code),
    [DLQ_SOURCE_ATTRIBUTE]: text(failure.sourceQueue),
  };
  const send = (messageBody: string, extra: Record<string, MessageAttributeValue> = {}) =>
    client.send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        MessageBody: messageBody,
        MessageAttributes: { ...attributes, ...extra },
      }),
    );
  if (body.length > 0 && !SQS_INVALID_CHARS.test(body)) {
    await send(body);
    return;
  }
  // A body SQS would refuse (or an empty one) is kept losslessly as base64.
  await send(Buffer.from(body).toString('base64') || '(empty)', {
    [DLQ_ENCODING_ATTRIBUTE]: { DataType: 'String', StringValue: 'base64' },
  });
}

/** Characters outside what SQS accepts in message text (#x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000+). */
const SQS_INVALID_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
