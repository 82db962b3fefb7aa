import { createHash, randomFillSync } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encodeBase32(bytes: Uint8Array, length: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0 && out.length < length) out += CROCKFORD[(value << (5 - bits)) & 31];
  return out;
}

// Random bytes drawn from one buffer refilled every 409 ids: a crypto call per id cost
// more than the rest of an enqueue on the in-memory paths.
const RANDOM_BYTES_PER_ID = 10;
const pool = new Uint8Array(RANDOM_BYTES_PER_ID * 409);
let poolOffset = pool.length;

function randomIdBytes(): Uint8Array {
  if (poolOffset + RANDOM_BYTES_PER_ID > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += RANDOM_BYTES_PER_ID;
  return pool.subarray(poolOffset - RANDOM_BYTES_PER_ID, poolOffset);
}

function encodeTime(now: number): string {
  let t = Math.max(0, Math.floor(now));
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

/**
 * A time-ordered id in the ULID layout (10 characters of millisecond time, 16 of
 * randomness, Crockford base32), so ids sort by creation and sort keys built from
 * them page in time order.
 *
 * @example newId('job') // "job_01JD3Y8K6V2N8Q4S1T7W9X0ABC"
 */
export function newId(prefix: string, now: number = Date.now()): string {
  return `${prefix}_${encodeTime(now)}${encodeBase32(randomIdBytes(), 16)}`;
}

/** A deterministic id from parts (dedupe keys), same alphabet and length as {@link newId}. */
export function stableId(prefix: string, ...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return `${prefix}_${encodeBase32(digest, 26)}`;
}

/** The shape every id in Paperlane has: letters, digits, `_ - . :`, at most 128 characters. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
