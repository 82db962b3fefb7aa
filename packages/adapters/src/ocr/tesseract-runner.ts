import type { Worker as NodeWorker } from 'node:worker_threads';
import { AbortedError, ConfigError, RetryableError, ValidationError } from '@paperlane/core';
import Tesseract from 'tesseract.js';
import { languageDataDir, type TesseractLanguage } from './tesseract-languages';

export interface TesseractRecognition {
  text: string;
  /** 0-1, tesseract's mean word confidence. */
  confidence: number;
  /** Word boxes as tesseract's TSV dump (see `textFromTesseractTsv`). */
  tsv?: string;
}

/**
 * Tesseract page segmentation modes this project uses: `auto` finds blocks and columns (pages
 * with a layout), `column` reads one column of lines of varying size (receipts), `block` one
 * uniform block of text (tesseract.js's default).
 */
export type PageSegmentation = 'auto' | 'column' | 'block' | 'line';
const PSM: Record<PageSegmentation, Tesseract.PSM> = {
  auto: Tesseract.PSM.AUTO,
  column: Tesseract.PSM.SINGLE_COLUMN,
  block: Tesseract.PSM.SINGLE_BLOCK,
  line: Tesseract.PSM.SINGLE_LINE,
};

export interface TesseractRecognizeOptions {
  /** How tesseract segments the page. Default `block`. */
  segmentation?: PageSegmentation;
  signal?: AbortSignal;
  /** 0-1 while the page is recognised. */
  onProgress?: (fraction: number) => void;
}

/** One tesseract.js worker, created on first use and reused; jobs run one at a time. */
export interface TesseractRunner {
  readonly languages: readonly TesseractLanguage[];
  /** How many workers this runner has started (1 unless one was aborted or crashed). */
  readonly workersCreated: number;
  recognize(image: Uint8Array, options?: TesseractRecognizeOptions): Promise<TesseractRecognition>;
  terminate(): Promise<void>;
}

export interface TesseractRunnerOptions {
  languages: readonly TesseractLanguage[];
  /** A folder of `<lang>.traineddata.gz`; by default linked from the npm packages. */
  langPath?: string;
  /** tesseract.js's `createWorker`; injectable so tests can watch it. */
  createWorker?: typeof Tesseract.createWorker;
}

interface LiveWorker {
  worker: Tesseract.Worker;
  /** The segmentation mode the worker is set to, so it is only changed when a page needs another. */
  segmentation: PageSegmentation;
  thread: NodeWorker | undefined;
  /** Rejects when the thread dies under us. */
  died: Promise<never>;
}

function threadOf(worker: Tesseract.Worker): NodeWorker | undefined {
  // tesseract.js exposes its worker_threads Worker at run time but not in its types.
  const thread = (worker as unknown as { worker?: unknown }).worker;
  return thread && typeof thread === 'object' && 'ref' in thread ? (thread as NodeWorker) : undefined;
}

function abortPromise(signal: AbortSignal | undefined): { promise: Promise<never>; dispose(): void } {
  if (!signal) return { promise: new Promise<never>(() => {}), dispose() {} };
  let onAbort = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(new AbortedError('OCR was aborted', { cause: signal.reason }));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => {});
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/**
 * A runner over one lazily created tesseract.js worker (LSTM models, language data
 * from local files, no cache writes, no network). An abort terminates the worker
 * mid-page (tesseract cannot cancel a recognise) and the next call starts a new one.
 * The worker thread is unref'd while idle, so it never keeps a process alive.
 *
 * @example
 * const runner = createTesseractRunner({ languages: ['eng', 'deu'] });
 * const { text } = await runner.recognize(pngBytes, { onProgress: console.log });
 * await runner.terminate();
 */
export function createTesseractRunner(options: TesseractRunnerOptions): TesseractRunner {
  const create = options.createWorker ?? Tesseract.createWorker;
  let live: Promise<LiveWorker> | undefined;
  let created = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let progress: ((fraction: number) => void) | undefined;

  const start = async (): Promise<LiveWorker> => {
    const langPath = options.langPath ?? (await languageDataDir(options.languages));
    let initializing = true;
    let failInit: (error: Error) => void = () => {};
    // tesseract.js leaves createWorker pending forever when language data fails to
    // load; its error handler is the only signal, so it settles the wait here.
    const initFailed = new Promise<never>((_, reject) => {
      failInit = reject;
    });
    initFailed.catch(() => {});
    const worker = await Promise.race([
      create([...options.languages], Tesseract.OEM.LSTM_ONLY, {
        langPath,
        gzip: true,
        cacheMethod: 'none',
        logger: (message) => {
          if (message.status === 'recognizing text') progress?.(message.progress);
        },
        errorHandler: (error: unknown) => {
          if (initializing) failInit(new ConfigError(`tesseract failed to start: ${String(error)}`));
        },
      }),
      initFailed,
    ]);
    initializing = false;
    created += 1;
    // Keep table columns apart in the text, as the PDF text layer does. No second pass on
    // inverted lines: white-on-black text is rare on invoices, and that pass re-reads every
    // line tesseract is unsure of, which on faint receipts is most of them.
    await worker.setParameters({
      preserve_interword_spaces: '1',
      tessedit_do_invert: '0',
      tessedit_pageseg_mode: PSM.block,
    } as Partial<Tesseract.WorkerParams>);
    const thread = threadOf(worker);
    const died = new Promise<never>((_, reject) => {
      thread?.once('error', (error) =>
        reject(new RetryableError('the tesseract worker crashed', { cause: error })),
      );
      thread?.once('exit', (code) => reject(new RetryableError(`the tesseract worker exited (${code})`)));
    });
    died.catch(() => {});
    thread?.unref();
    return { worker, thread, died, segmentation: 'block' };
  };

  const drop = async () => {
    const current = live;
    live = undefined;
    if (!current) return;
    const { worker } = await current.catch(() => ({ worker: undefined }));
    await worker?.terminate().catch(() => {});
  };

  const ensure = () => {
    if (!live) {
      live = start();
      live.catch(() => {
        live = undefined;
      });
    }
    return live;
  };

  const job = async (image: Uint8Array, opts: TesseractRecognizeOptions): Promise<TesseractRecognition> => {
    if (opts.signal?.aborted) throw new AbortedError('OCR was aborted', { cause: opts.signal.reason });
    const abort = abortPromise(opts.signal);
    try {
      const current = await Promise.race([ensure(), abort.promise]);
      current.thread?.ref();
      progress = opts.onProgress;
      try {
        const segmentation = opts.segmentation ?? 'block';
        if (segmentation !== current.segmentation) {
          await current.worker.setParameters({ tessedit_pageseg_mode: PSM[segmentation] });
          current.segmentation = segmentation;
        }
        const result = await Promise.race([
          current.worker.recognize(
            Buffer.from(image.buffer, image.byteOffset, image.byteLength),
            {},
            { text: true, tsv: true },
          ),
          abort.promise,
          current.died,
        ]);
        return {
          text: result.data.text,
          confidence: Math.max(0, Math.min(1, result.data.confidence / 100)),
          ...(result.data.tsv ? { tsv: result.data.tsv } : {}),
        };
      } catch (error) {
        if (error instanceof AbortedError || error instanceof RetryableError) {
          await drop();
          throw error;
        }
        // tesseract.js rejects with bare strings for images it cannot read.
        throw new ValidationError('tesseract could not read the image', {
          code: 'corrupt_file',
          cause: error,
        });
      } finally {
        progress = undefined;
        current.thread?.unref();
      }
    } finally {
      abort.dispose();
    }
  };

  return {
    languages: options.languages,
    get workersCreated() {
      return created;
    },
    async recognize(image, opts = {}) {
      const run = queue.then(() => job(image, opts));
      queue = run.catch(() => {});
      // A caller aborted while queued behind another page stops waiting at once.
      const abort = abortPromise(opts.signal);
      try {
        return await Promise.race([run, abort.promise]);
      } finally {
        abort.dispose();
      }
    },
    async terminate() {
      await queue;
      await drop();
    },
  };
}

const shared = new Map<string, TesseractRunner>();

/**
 * The process-wide runner for a language set: every provider instance with the
 * same languages shares one worker.
 *
 * @example
 * const runner = sharedTesseractRunner(['eng', 'deu']);
 */
export function sharedTesseractRunner(languages: readonly TesseractLanguage[]): TesseractRunner {
  const key = languages.join('+');
  let runner = shared.get(key);
  if (!runner) {
    runner = createTesseractRunner({ languages });
    shared.set(key, runner);
  }
  return runner;
}
