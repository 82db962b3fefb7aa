/**
 * A module (or anything built from one) loaded on first use and kept: how heavy
 * libraries stay out of a Lambda's init. A failed load is not kept, so the next
 * call tries again.
 *
 * @example
 * const sdk = lazyLoad(() => import('openai'));
 * const { default: OpenAI } = await sdk();
 */
export function lazyLoad<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
