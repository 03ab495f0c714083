/**
 * The value of query parameter `name`, matching the parameter's name case-insensitively:
 * `?Container=x` and `?CONTAINER=x` both count as `container`. `undefined` when it is absent.
 *
 * A parameter sent more than once arrives as one value: the Functions host joins the values
 * with commas before the app sees them, so `?blob=a.jpg&blob=b.jpg` (or `&BLOB=b.jpg`) gives
 * `'a.jpg,b.jpg'`, and the checks that follow judge that value as a whole. (With HTTP streams
 * on, `request.query` keeps the values apart, and the first one wins here.)
 */
export function queryParam(query: URLSearchParams, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of query) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** The value itself, or `undefined` when it is absent, empty or only whitespace. */
export function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
