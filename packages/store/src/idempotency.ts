import { firstUse, idSchema } from '@paperlane/core';
import { z } from 'zod';

/** How long a key and its stored response are kept: a replay after this runs as a new request. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/**
 * What callers may send as `Idempotency-Key`: 1-255 visible ASCII characters (inner
 * spaces allowed). Control characters, non-ASCII bytes and anything longer are refused
 * before the key reaches a hash or a log line.
 */
export const idempotencyKeySchema = firstUse(() =>
  z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/, 'visible ASCII characters only'),
);

/** A sha256 in lowercase hex (the request fingerprint). */
export const sha256HexSchema = firstUse(() => z.string().regex(/^[0-9a-f]{64}$/, 'not a sha256 hex digest'));

/** The response kept for replays: the status, the headers a client acts on, the body (gzip). */
export const storedResponseSchema = firstUse(() =>
  z.object({
    status: z.number().int().min(200).max(599),
    headers: z.record(z.string().max(64), z.string().max(2048)),
    /** gzip of the body; absent when it was empty or too large to keep in the item. */
    body: z.instanceof(Uint8Array).optional(),
  }),
);
export type StoredResponse = z.infer<ReturnType<typeof storedResponseSchema>>;

export const claimInputSchema = firstUse(() =>
  z.object({
    tenantId: idSchema,
    key: idempotencyKeySchema(),
    fingerprint: sha256HexSchema(),
    now: z.date(),
    /** How long the claim holds while its request runs; a holder that died is taken over after it. */
    leaseMs: z
      .number()
      .int()
      .min(1000)
      .max(3600 * 1000),
  }),
);
export type ClaimInput = z.input<ReturnType<typeof claimInputSchema>>;

export const claimRefSchema = firstUse(() =>
  z.object({
    tenantId: idSchema,
    key: idempotencyKeySchema(),
    claimId: z.string().regex(/^[0-9a-f]{32}$/),
  }),
);
export type ClaimRef = z.infer<ReturnType<typeof claimRefSchema>>;

/** What claiming a key found. */
export type ClaimOutcome =
  /** This request owns the key: run it, then `complete` or `release`. */
  | { kind: 'claimed'; claimId: string }
  /** An earlier request with the same fingerprint finished: answer with its response. */
  | { kind: 'replay'; response: StoredResponse }
  /** An earlier request with the same fingerprint is still running (until `lockedUntil`). */
  | { kind: 'in_progress'; lockedUntil: Date }
  /** The key was used for a different request (method, path or body). */
  | { kind: 'mismatch' };
