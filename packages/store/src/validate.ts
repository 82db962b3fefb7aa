import { idSchema, ValidationError } from '@paperlane/core';
import type { z } from 'zod';

/** Page sizes for list methods. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/**
 * Checks an id from outside before it is spelled into a key, so a hostile id
 * (empty, huge, containing the `#` separator) never reaches a key expression.
 */
export function parseId(value: unknown, field: string): string {
  const result = idSchema.safeParse(value);
  if (!result.success) {
    throw new ValidationError(`${field} is not a valid id`, {
      issues: result.error.issues.map((issue) => `${field}: ${issue.message}`),
    });
  }
  return result.data;
}

/** Like {@link parseId} for optional ids. */
export function parseOptionalId(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : parseId(value, field);
}

/** Parses input with a zod schema, throwing core's `ValidationError` with readable issues. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new ValidationError(`invalid ${what}: ${issues.slice(0, 3).join('; ')}`, { issues });
  }
  return result.data;
}

/** The instant as stored: always `toISOString()`, so strings sort in time order. */
export function toIso(date: Date, field: string): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new ValidationError(`${field} is not a valid date`);
  }
  return date.toISOString();
}

/** `limit` defaults to {@link DEFAULT_PAGE_SIZE} and is capped at `max`; anything but a positive integer is refused. */
export function parseLimit(limit: number | undefined, max = MAX_PAGE_SIZE): number {
  if (limit === undefined) return Math.min(DEFAULT_PAGE_SIZE, max);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ValidationError(`limit must be a positive integer, got ${String(limit)}`);
  }
  return Math.min(limit, max);
}
