import { QUEUE_NAMES } from '@paperlane/core';
import { z } from 'zod';

/** A function name, or its full ARN (with an optional version or alias), as Lambda accepts them. */
export const lambdaFunctionNameSchema = z
  .string()
  .regex(
    /^(?:arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9_$-]{1,128})?$/,
    'must be a Lambda function name or ARN',
  );

/**
 * Each queue's consumer function, for the consumer switch. Kept apart from the
 * switch so an entry point can validate the names at start-up without loading the
 * Lambda client.
 */
export const consumerFunctionsSchema = z.partialRecord(z.enum(QUEUE_NAMES), lambdaFunctionNameSchema);
export type ConsumerFunctions = z.infer<typeof consumerFunctionsSchema>;
