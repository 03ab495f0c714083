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
  if (name.length < CONTAINER_NAME_MIN || name.length > CONTAINER_NAME_MAX) {
    return invalid(`The container name must be ${CONTAINER_NAME_MIN} to ${CONTAINER_NAME_MAX} characters long.`);
  }
  if (!/^[a-z0-9-]+$/.test(name)) {
    return invalid('The container name may contain only lowercase letters (a-z), digits (0-9) and hyphens (-).');
  }
  if (name.startsWith('-') || name.endsWith('-')) {
    return invalid('The container name must start and end with a letter or a digit.');
  }
  if (name.includes('--')) {
    return invalid('The container name must not contain two hyphens in a row.');
  }
  return VALID;
}

/**
 * A blob name: 1–1024 characters; no leading slash or backslash; no control characters;
 * no `.` or `..` path segment; no dot or slash at the end; at most 254 path segments.
 */
export function checkBlobName(name: string): NameCheck {
  if (name.length < 1 || name.length > BLOB_NAME_MAX) {
    return invalid(`The blob name must be 1 to ${BLOB_NAME_MAX} characters long.`);
  }
  if (name.startsWith('/') || name.startsWith('\\')) {
    return invalid('The blob name must not start with a slash or a backslash.');
  }
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) {
    return invalid('The blob name must not contain control characters.');
  }
  // URLs resolve "." and ".." segments before storage sees them: "a/../b" reaches "b" (path
  // traversal), and "." turns samples/. into the URL of the container itself. Tools on
  // Windows turn backslashes into slashes, so "a\..\b" counts too.
  if (name.split(/[\\/]/).some((segment) => segment === '.' || segment === '..')) {
    return invalid('The blob name must not have "." or ".." as a path segment.');
  }
  // Azure Storage advises against names that end with a dot or a slash ("photo.", "photos/"),
  // and the Functions blob bindings refuse them.
  if (name.endsWith('.')) {
    return invalid('The blob name must not end with a dot (.).');
  }
  if (name.endsWith('/') || name.endsWith('\\')) {
    return invalid('The blob name must not end with a slash or a backslash.');
  }
  if (name.split('/').length > BLOB_SEGMENTS_MAX) {
    return invalid(`The blob name must have at most ${BLOB_SEGMENTS_MAX} path segments (parts between slashes).`);
  }
  return VALID;
}
