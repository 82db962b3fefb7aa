/**
 * Wraps a paused-flag read for a consumer loop: one store read per `ttlMs` however
 * many loops ask, and a failed read counts as "not paused" (a store hiccup must not
 * stop the consumers; the next read decides again).
 *
 * @example createSqsPoller({ ..., isPaused: cachedPauseCheck(() => store.queueControl.isPaused(queue), 1000) })
 */
export function cachedPauseCheck(read: () => Promise<boolean>, ttlMs: number): () => Promise<boolean> {
  let value = false;
  let readAt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<boolean> | undefined;
  return async () => {
    if (Date.now() - readAt < ttlMs) return value;
    inflight ??= read()
      .catch(() => false)
      .then((paused) => {
        value = paused;
        readAt = Date.now();
        inflight = undefined;
        return paused;
      });
    return inflight;
  };
}
