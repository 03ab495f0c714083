/**
 * The value of query parameter `name`, matching the parameter's name case-insensitively:
 * `?Container=x` and `?CONTAINER=x` both count as `container`. When the parameter appears more
 * than once, the first one wins. `undefined` when it is absent.
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
