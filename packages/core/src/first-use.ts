/**
 * A value built on its first use and kept: for zod schemas that only some code paths
 * parse with. Building a schema is work at import (zod constructs and checks every
 * node), so a module of schemas nobody uses yet still costs every cold start; behind
 * `firstUse` they cost the first request that needs them instead.
 *
 * @example
 * export const mailboxRecordSchema = firstUse(() => z.object({ name: z.string() }));
 * type MailboxRecord = z.infer<ReturnType<typeof mailboxRecordSchema>>;
 * mailboxRecordSchema().parse(raw);
 */
export function firstUse<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}
