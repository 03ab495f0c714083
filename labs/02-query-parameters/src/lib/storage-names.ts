/**
 * The names Azure Blob Storage accepts, checked before we ever call it.
 * Pure functions: no I/O, easy to unit-test.
 *
 * Rules: https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata
 */

export type NameCheck = { readonly valid: true } | { readonly valid: false; readonly reason: string };

const VALID: NameCheck = { valid: true };

function invalid(reason: string): NameCheck {
  return { valid: false, reason };
}

export const CONTAINER_NAME_MIN = 3;
export const CONTAINER_NAME_MAX = 63;
export const BLOB_NAME_MAX = 1024;
export const BLOB_SEGMENTS_MAX = 254;

/**
 * A container name: 3–63 characters; lowercase letters, digits and hyphens; starts and ends
 * with a letter or digit; no two hyphens in a row.
 */
export function checkContainerName(name: string): NameCheck {
  // TODO Step 4: return invalid('<the rule, in one sentence>') for the first rule `name` breaks:
  //   - 3 to 63 characters long
  //   - only lowercase letters, digits and hyphens        (a regular expression: /^[a-z0-9-]+$/)
  //   - starts and ends with a letter or a digit
  //   - no two hyphens in a row
  return VALID;
}

/**
 * A blob name: 1–1024 characters; no leading slash or backslash; no control characters;
 * no `.` or `..` path segment; no dot or slash at the end; at most 254 path segments.
 */
export function checkBlobName(name: string): NameCheck {
  // TODO Step 4: return invalid('<the rule, in one sentence>') for the first rule `name` breaks:
  //   - 1 to 1024 characters long
  //   - does not start with '/' or '\\'
  //   - no control characters                              (/[\u0000-\u001f\u007f-\u009f]/)
  //   - no '.' or '..' path segment: split on '/' and '\\', look for '.' and '..'
  //   - does not end with a dot ('.')
  //   - does not end with '/' or '\\'
  //   - at most 254 path segments                          (name.split('/').length)
  return VALID;
}
