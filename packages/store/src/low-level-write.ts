import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { commandClientFor } from './document-client';

// Shared by the prebuilt writes (job lifecycle, webhook attempts) that bypass the toolbox's builders.

export const S = (value: string): AttributeValue => ({ S: value });
export const N = (value: number): AttributeValue => ({ N: String(value) });

/**
 * The low-level client for a table's document client, made on the first write, not with
 * the store: a process that only reads never builds it.
 *
 * @example
 * const client = lazyCommandClient(Job.table);
 * await client().send(new UpdateItemCommand(input));
 */
export function lazyCommandClient(table: {
  getDocumentClient(): DynamoDBDocumentClient;
}): () => DynamoDBClient {
  let made: DynamoDBClient | undefined;
  return () => {
    made ??= commandClientFor(table.getDocumentClient());
    return made;
  };
}

/**
 * The name an entity attribute is saved under (its `savedAs`, else its own name).
 *
 * @example
 * const savedAs = savedNames(Job.schema.attributes);
 * savedAs('status'); // "status"
 */
export function savedNames<A extends Record<string, { props: object }>>(attributes: A) {
  return (name: keyof A & string): string => {
    const props = attributes[name]?.props;
    return props && 'savedAs' in props && typeof props.savedAs === 'string' ? props.savedAs : name;
  };
}
