import { startTestReceiver } from '@paperlane/adapters/webhooks/test-receiver';
import { verifyStandardWebhooks } from '@paperlane/testing/webhook-verifiers';

/** One verified `job.*` delivery as the subscriber saw it. */
export interface JobEffect {
  webhookId: string;
  type: string;
  jobId: string;
}

/**
 * A subscriber on loopback that answers 200 to what it can verify and 401 to anything
 * else, and counts each verified delivery by its `webhook-id`: the effects a chaos
 * case asserts happened exactly once.
 */
export async function startEffectCounter() {
  const receiver = await startTestReceiver();
  let secret: string | undefined;
  const effects: JobEffect[] = [];
  const forged: string[] = [];
  const listeners = new Set<() => void>();
  receiver.on('/hooks', (request, res) => {
    if (!secret || !verifyStandardWebhooks(secret, request.body, request.headers)) {
      forged.push(request.body.slice(0, 200));
      res.writeHead(401).end('bad signature');
      return;
    }
    const body = JSON.parse(request.body) as { type: string; data: { job_id: string } };
    effects.push({
      webhookId: String(request.headers['webhook-id']),
      type: body.type,
      jobId: body.data.job_id,
    });
    res.writeHead(200).end('ok');
    for (const wake of [...listeners]) wake();
  });
  return {
    url: `${receiver.origin}/hooks`,
    host: `127.0.0.1:${receiver.port}`,
    effects,
    /** Requests that failed verification (there should be none). */
    forged,
    useSecret(value: string) {
      secret = value;
    },
    /** Resolves when `done` holds after an arrival (or now), or with false at the deadline. */
    async until(done: () => boolean, deadline: number): Promise<boolean> {
      while (!done()) {
        const left = deadline - Date.now();
        if (left <= 0) return false;
        await new Promise<void>((resolve) => {
          const wake = () => {
            listeners.delete(wake);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wake, left);
          listeners.add(wake);
        });
      }
      return true;
    },
    close: () => receiver.close(),
  };
}

export type EffectCounter = Awaited<ReturnType<typeof startEffectCounter>>;
