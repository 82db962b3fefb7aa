/** One running job's claim, as the keeper tracks it. */
export interface HeldClaim {
  tenantId: string;
  jobId: string;
  attempt: number;
  /** Extends the transport's hold on the message along with the claim. */
  extend?: ((ms: number) => Promise<void>) | undefined;
  /** Called once if a renewal finds the claim gone (cancelled, taken over). */
  onLost: (reason: string) => void;
}

export interface Entry {
  claim: HeldClaim;
  dueAt: number;
  renewing: boolean;
  /** Where it sits in the keeper's list; -1 once released or lost. */
  index: number;
}

/**
 * Renews the claims of running jobs every third of their lease, so a crashed
 * holder's claim lapses within one lease but a live one never does. One timer
 * serves every job of a consumer, and holding a claim allocates one small object:
 * most jobs finish before their first renewal, so holding must cost next to nothing.
 * The timer is unref'd and stops at the first tick that finds nothing held.
 */
export function createLeaseKeeper(options: {
  leaseMs: number;
  renew: (claim: HeldClaim) => Promise<boolean>;
  onError: (claim: HeldClaim, error: unknown) => void;
}) {
  const every = Math.max(50, Math.floor(options.leaseMs / 3));
  // An array with swap-removal, not a Set: holding and releasing a claim is then a push and a
  // pop, with no hashing of the entry and no rehash as the number of running jobs moves.
  const entries: Entry[] = [];
  let timer: NodeJS.Timeout | undefined;

  const remove = (entry: Entry): boolean => {
    const at = entry.index;
    if (at < 0 || entries[at] !== entry) return false;
    const last = entries.pop() as Entry;
    if (last !== entry) {
      entries[at] = last;
      last.index = at;
    }
    entry.index = -1;
    return true;
  };

  const renew = (entry: Entry) => {
    entry.renewing = true;
    options
      .renew(entry.claim)
      .then(
        (alive) => {
          entry.dueAt = Date.now() + every;
          if (!alive && remove(entry)) entry.claim.onLost('claim lost: the job was cancelled or taken over');
        },
        (error: unknown) => options.onError(entry.claim, error),
      )
      .finally(() => {
        entry.renewing = false;
      });
  };

  const tick = () => {
    if (entries.length === 0) {
      // Stopped here, not in `release`: a consumer between jobs would otherwise start and
      // clear an interval for every job it runs.
      clearInterval(timer);
      timer = undefined;
      return;
    }
    const now = Date.now();
    // A renewal settles later (never during this loop), so the list does not move under it.
    for (const entry of entries) if (!entry.renewing && entry.dueAt <= now) renew(entry);
  };

  return {
    /** Starts renewing a claim; pass the result to `release` when the job ends. */
    hold(claim: HeldClaim): Entry {
      const entry: Entry = { claim, dueAt: Date.now() + every, renewing: false, index: entries.length };
      entries.push(entry);
      if (!timer) {
        timer = setInterval(tick, Math.max(25, Math.floor(every / 2)));
        timer.unref();
      }
      return entry;
    },
    release(entry: Entry): void {
      remove(entry);
    },
  };
}

export type LeaseKeeper = ReturnType<typeof createLeaseKeeper>;
