export const DAY_SECONDS = 24 * 60 * 60;

/** SST takes durations as strings; infra computes in seconds. */
export const seconds = (n: number): `${number} seconds` => `${n} seconds`;
