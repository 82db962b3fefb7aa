/**
 * Whether an `If-None-Match` header (a list of ETags, or `*`) matches an ETag, by weak
 * comparison as RFC 9110 asks for GET.
 *
 * @example matchesEtag('W/"abc", "def"', '"abc"') // true
 */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}
