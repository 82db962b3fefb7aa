import { z } from '@hono/zod-openapi';
import { ID_PATTERN } from '@paperlane/core';
import { errorBodySchema } from '../errors';

export const jsonError = (description: string) => ({
  content: { 'application/json': { schema: errorBodySchema } },
  description,
});

/** The error responses every authenticated route can give. */
export const authErrors = {
  401: jsonError('Missing or invalid bearer token'),
  429: jsonError('Rate limited'),
  500: jsonError('Unexpected error'),
} as const;

/** A path parameter holding an id (validated before any store sees it). */
export function idParam<N extends string>(name: N) {
  // Built from zod-openapi's own `z`: a schema imported from core may come from a zod
  // instance that zod-openapi has not extended (seen when bundles load CJS and ESM zod).
  const schema = z
    .string()
    .regex(ID_PATTERN, 'must be 1-128 characters of letters, digits, _ - . :')
    .openapi({
      param: { name, in: 'path' },
      example: `${name.split('_')[0]}_01JD3Y8K6V`,
    });
  return z.object({ [name]: schema } as { [K in N]: typeof schema });
}

export const bearer = [{ bearer: [] }];
