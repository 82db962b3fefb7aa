/**
 * Renews a claim every third of its lease while a job runs, so a crashed holder's
 * claim lapses within one lease but a live one never does. Stops by itself once
 * a renewal says the claim is gone (cancelled or taken over).
 */
export function keepLease(options: {
  leaseMs: number;
  renew: () => Promise<boolean>;
  onLost: (reason: string) => void;
  onError: (error: unknown) => void;
}): { stop(): void } {
  let stopped = false;
  let running = false;
  const timer = setInterval(
    () => {
      if (running || stopped) return;
      running = true;
      options
        .renew()
        .then((alive) => {
          if (!alive && !stopped) {
            stopped = true;
            clearInterval(timer);
            options.onLost('claim lost: the job was cancelled or taken over');
          }
        }, options.onError)
        .finally(() => {
          running = false;
        });
    },
    Math.max(50, Math.floor(options.leaseMs / 3)),
  );
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
