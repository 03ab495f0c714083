// The hostile values the bad-input matrix feeds into every parameter, kept apart from the
// functions they are fed to so each input table reads as a list of intentions.

import { DEFAULT_MAX_REQUEST_BODY_SIZE } from '../../shared/host/src/http/request-body.ts';

/** Over the 10 KB mark: a query value no form or client would send by mistake. */
export const HUGE = 'x'.repeat(10 * 1024 + 1);

export interface HostileName {
  what: string;
  value: string;
  /**
   * Azure Storage (and the apps' checkBlobName) accept it as a blob name: only asking storage
   * shows that no such blob exists. No value here is a valid container name.
   */
  validBlobName: boolean;
}

/**
 * Text that would forge a line of the host's console if it reached it raw: a line break, what
 * the host writes at the start of each line (a timestamp in brackets), then an escape sequence
 * that turns the terminal red, a bell and a C1 CSI (a one-character escape on some terminals).
 * The host shows control characters as escapes and indents a message's later lines, so the
 * log scan (log-forgery.ts) must find neither the timestamp at the start of a line nor a raw
 * control character.
 */
export const FORGED_TIMESTAMP = '[2026-01-01T00:00:00.000Z]';
export const FORGED_MARK = 'FORGED';
export const FORGED_LOG_LINE = `\r\n${FORGED_TIMESTAMP} Host started ${FORGED_MARK}\u001b[31m\u0007\u009b2J`;
/**
 * The same between the Unicode line and paragraph separators, which editors and log viewers
 * break lines at. Also sent into durable history (a reason, an event): Azurite 3.37 answers a
 * table transaction holding them raw "500 Transaction Failed", which left such an instance stuck
 * until the host began to write them as JSON escapes.
 */
export const FORGED_LOG_LINE_UNICODE = `\u2028${FORGED_TIMESTAMP} Host started ${FORGED_MARK}\u2029`;

/** Parameter values that are wrong for a container name, and mostly for a blob name too. */
export const HOSTILE_NAMES: readonly HostileName[] = [
  { what: 'path traversal ..', value: '..', validBlobName: false },
  { what: 'path traversal ../../etc/passwd', value: '../../etc/passwd', validBlobName: false },
  { what: 'traversal with backslashes ..\\..\\windows', value: '..\\..\\windows', validBlobName: false },
  { what: 'a leading slash', value: '/etc/passwd', validBlobName: false },
  { what: 'a leading backslash', value: '\\server\\share', validBlobName: false },
  { what: 'a NUL byte', value: 'photo\u0000.jpg', validBlobName: false },
  { what: 'a line break', value: 'photo\r\n.jpg', validBlobName: false },
  { what: '10 KB', value: HUGE, validBlobName: false },
  { what: 'a slash inside a name', value: 'a/b', validBlobName: true },
  { what: 'emoji', value: '📷🔥', validBlobName: true },
  { what: 'right-to-left override', value: 'gpj.\u202eexe', validBlobName: true },
  { what: 'Arabic script', value: 'صورة', validBlobName: true },
  { what: 'upper case', value: 'SAMPLES', validBlobName: true },
  { what: 'a forged log line (CR, LF, a timestamp, ESC)', value: FORGED_LOG_LINE, validBlobName: false },
  // U+2028 is no control character to Azure Storage: a blob may be named so.
  { what: 'a forged log line between U+2028 and U+2029', value: FORGED_LOG_LINE_UNICODE, validBlobName: true },
];

/**
 * Blob names with "." segments or ending with a dot, slash or backslash, as query values
 * (encoded where they must be). Azure Storage would take some of them, but the storage SDK turns
 * `samples/.` into the container's own URL, and a name ending so is no file name: the apps refuse
 * them all (issue #10; `blob=.` was a 500 with an empty body).
 */
export const DOTTED_BLOB_NAMES: ReadonlyArray<[what: string, encoded: string]> = [
  ['a single dot', '.'],
  ['%2e sent raw (a dot once decoded)', '%2e'],
  ['a "." segment (a/./b)', 'a/./b'],
  ['an encoded "." segment (a%2F.%2Fb)', 'a%2F.%2Fb'],
  ['a name ending in a dot (photo.jpg.)', 'photo.jpg.'],
  ['a name ending in a slash (photos/)', 'photos/'],
  ['a name ending in a backslash (a\\)', 'a%5C'],
];

/** Widths a thumbnail cannot have (the apps accept 16–1024). */
export const ABSURD_WIDTHS: readonly string[] = [
  '0',
  '-1',
  '1e9',
  'NaN',
  'abc',
  '99999',
  '15',
  '1025',
  '2.5',
  '0x100',
  '١٠٠',
  'Infinity',
  '9'.repeat(10_000),
];

/** A query string with every name and value percent-encoded. */
export function query(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}

/** A body of junk an app must read and turn down itself. */
export const JUNK_BODY = Buffer.alloc(512 * 1024, 'z');

/**
 * Headers declaring a body 50 MB over the host's default limit (the hosts run with it), sent
 * without the body: the host must refuse it (413) before reading any, so the matrix need not
 * push 150 MB through a socket to prove it.
 */
export const OVER_LIMIT_HEADERS = {
  'Content-Length': String(DEFAULT_MAX_REQUEST_BODY_SIZE + 50 * 1024 * 1024),
  'Content-Type': 'application/json',
};
export const BODY_LIMIT_MB = DEFAULT_MAX_REQUEST_BODY_SIZE / 1024 / 1024;

/** Bodies that are not what a JSON API expects. */
export const MALFORMED_JSON: ReadonlyArray<[what: string, body: string | Buffer]> = [
  ['JSON cut short', '{"name": "Ada"'],
  ['JSON with a trailing comma', '{"name": "Ada",}'],
  ['not JSON at all', 'name=Ada'],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
  ['NUL bytes', Buffer.alloc(64)],
];
