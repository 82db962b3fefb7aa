/**
 * Whether a subscription's patterns take an event: `*` takes everything, `invoice.*`
 * every `invoice.…` event, anything else only the exact name.
 *
 * @example matchesEvent(['invoice.*'], 'invoice.processed') // true
 */
export function matchesEvent(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) => {
    if (pattern === '*') return true;
    if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
    return pattern === type;
  });
}
