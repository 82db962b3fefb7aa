import { invoiceFixture } from '@paperlane/testing';
import type { EffectCounter } from './receiver';

/** What the counts need from a running stack, whoever started it. */
export interface Observed {
  call: TenantClient['call'];
  counter: EffectCounter;
  webhookId: string;
  /** The processes' output tails (or what is known of them), for a failure report. */
  logs(): string;
}

/**
 * The chaos tenant as an API client: JSON calls, uploads of a text-layer invoice
 * (OCR and a thumbnail per file: cheap, real jobs), and its webhook subscription to
 * every job outcome, whose secret the counter verifies with.
 */
export async function tenantClient(url: string, token: string) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const form = body instanceof FormData;
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(form || body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: form ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
  const pdf = await invoiceFixture('en-us-classic.pdf');
  const broken = new TextEncoder().encode(`%PDF-1.7\n${'not a pdf body '.repeat(64)}\n%%EOF\n`);
  return {
    call,
    /** Subscribes the tenant to job.completed and job.failed at the counter; returns the webhook id. */
    async subscribe(counter: EffectCounter): Promise<string> {
      const created = await call<{ webhook_id: string; secret: string }>('POST', '/api/webhooks', {
        url: counter.url,
        events: ['job.completed', 'job.failed'],
      });
      if (created.status !== 201) throw new Error(`subscribing answered ${created.status}`);
      counter.useSecret(created.body.secret);
      return created.body.webhook_id;
    },
    /**
     * Uploads `files` invoices in one request; returns the jobs it started. `broken`
     * ones look like PDFs to the upload's checks but cannot be read: their jobs fail.
     */
    async upload(files: number, options: { broken?: boolean } = {}): Promise<string[]> {
      const form = new FormData();
      const bytes = options.broken ? broken : pdf;
      for (let i = 0; i < files; i++)
        form.append('files', new Blob([bytes], { type: 'application/pdf' }), `inv-${i}.pdf`);
      const answer = await call<{ jobs: Array<{ job_id: string }> }>('POST', '/api/upload', form);
      if (answer.status !== 202)
        throw new Error(`upload answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return answer.body.jobs.map((j) => j.job_id);
    },
  };
}

export type TenantClient = Awaited<ReturnType<typeof tenantClient>>;
