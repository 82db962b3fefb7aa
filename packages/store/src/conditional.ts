import { type Entity, type FormattedItem, isConditionCheckFailed } from 'dynamodb-toolbox';

export type ConditionalOutcome<E extends Entity, T> =
  | { ok: true; value: T }
  /** `old` is the item as it was (ALL_OLD), when the backend returned it; absent if missing or unsupported. */
  | { ok: false; old: FormattedItem<E> | undefined };

/**
 * Runs a conditional write and turns `ConditionalCheckFailedException` into a
 * value, so callers map it to a domain result. Any other error propagates.
 */
export async function conditional<E extends Entity, T>(
  entity: E,
  write: () => Promise<T>,
): Promise<ConditionalOutcome<E, T>> {
  try {
    return { ok: true, value: await write() };
  } catch (error) {
    // The toolbox unmarshalls and formats `error.Item` (ReturnValuesOnConditionCheckFailure).
    if (!isConditionCheckFailed(error, entity)) throw error;
    return { ok: false, old: error.FormattedItem as FormattedItem<E> | undefined };
  }
}

/** For stores writing through the raw document client: the write's condition did not hold. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
