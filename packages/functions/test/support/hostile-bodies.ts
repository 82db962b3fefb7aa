/**
 * Hostile request bodies generated as they are sent (nothing large is ever held in
 * memory by the sender), for the bounded-input tests and `npm run bench:hostile`.
 */

const CHUNK = Buffer.alloc(64 * 1024, 0x20);
const PDF_HEAD = Buffer.from('%PDF-1.4\n');

export interface StreamedBody {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  /** Bytes handed to the HTTP client so far. */
  produced(): number;
  /** Resolves once `bytes` have been handed over (or the body ended or was cancelled before). */
  reached(bytes: number): Promise<void>;
}

/**
 * `head`, then `fillerBytes` of spaces in 64 KiB chunks, then `tail`: a pull stream,
 * so the client asks for the next chunk only when the socket took the last one.
 * `onChunk` runs before each chunk (e.g. to sample the server's memory).
 */
export function streamedBody(
  head: string | Buffer,
  fillerBytes: number,
  tail: string,
  contentType: string,
  onChunk?: (produced: number) => void,
): StreamedBody {
  let produced = 0;
  let filler = 0;
  let stage: 'head' | 'filler' | 'tail' | 'done' = 'head';
  const waiters: Array<{ bytes: number; resolve: () => void }> = [];
  const settle = (all: boolean) => {
    for (const waiter of [...waiters]) {
      if (all || produced >= waiter.bytes) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        onChunk?.(produced);
        let chunk: Buffer;
        if (stage === 'head') {
          chunk = Buffer.from(head);
          stage = 'filler';
        } else if (stage === 'filler') {
          chunk = fillerBytes - filler >= CHUNK.length ? CHUNK : CHUNK.subarray(0, fillerBytes - filler);
          filler += chunk.length;
          if (filler >= fillerBytes) stage = 'tail';
        } else if (stage === 'tail') {
          chunk = Buffer.from(tail);
          stage = 'done';
        } else {
          controller.close();
          settle(true);
          return;
        }
        produced += chunk.length;
        controller.enqueue(chunk);
        settle(false);
      },
      cancel() {
        settle(true);
      },
    },
    { highWaterMark: 0 },
  );
  return {
    body,
    contentType,
    produced: () => produced,
    reached: (bytes) =>
      produced >= bytes || stage === 'done'
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ bytes, resolve })),
  };
}

const BOUNDARY = 'paperlane-hostile-boundary';

/** A multipart upload of one `files` part that starts like a PDF and goes on for `bytes`. */
export function streamedUpload(bytes: number, onChunk?: (produced: number) => void): StreamedBody {
  const head = Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="huge.pdf"\r\n` +
        'Content-Type: application/pdf\r\n\r\n',
    ),
    PDF_HEAD,
  ]);
  return streamedBody(
    head,
    bytes,
    `\r\n--${BOUNDARY}--\r\n`,
    `multipart/form-data; boundary=${BOUNDARY}`,
    onChunk,
  );
}

/** A JSON body of `bytes`: one string value of spaces, valid if it were ever read whole. */
export function streamedJson(bytes: number): StreamedBody {
  return streamedBody('{"files":[{"file_name":"', bytes, '","size_bytes":1}]}', 'application/json');
}

/** `{"a":{"a":...}}` nested `depth` levels (the outer object is level 1). */
export function nestedObject(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 1; level < depth; level++) value = { a: value };
  return value;
}

/** The tester's body: an app event whose payload nests `depth` levels, as text (6 KB at 1,000). */
export function deepEventBody(depth: number): string {
  return `{"event":"entry.approved","payload":${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}}`;
}

/** fetch with a streamed body (undici needs `duplex: 'half'`, which lib.dom's RequestInit lacks). */
export function sendStreamed(
  url: string,
  streamed: StreamedBody,
  headers: Record<string, string>,
  method = 'POST',
): Promise<Response> {
  const init = {
    method,
    headers: { ...headers, 'content-type': streamed.contentType },
    body: streamed.body,
    duplex: 'half',
  };
  return fetch(url, init as RequestInit);
}

/** Status and error code of an API answer. */
export async function outcome(response: Response): Promise<{ status: number; code?: string }> {
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string } };
  return { status: response.status, ...(body.error?.code ? { code: body.error.code } : {}) };
}
