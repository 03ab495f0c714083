// Prints host and function logs the way `func start` does: every entry on the console,
// prefixed with its UTC timestamp, e.g. `[2026-11-27T21:20:00.000Z] Executing 'Functions.hello' ...`.
// Warnings and errors go to stderr so a parent process can tell them apart.
//
// Messages carry text the host does not control (request paths, instance ids, termination
// reasons, whatever the app logs), so control characters are shown as escapes, never sent to
// the terminal: a line break in such text must not start a line that reads like the host's own,
// and an escape sequence must not colour, move or clear anything. A message of several lines
// (a stack trace) keeps its lines, and every line after the first is indented, so only the host
// starts a line with `[timestamp]`.

import type { RpcLogLevel } from './core-types.ts';

const SEVERITY: Record<RpcLogLevel, number> = {
  trace: 0,
  debug: 1,
  information: 2,
  warning: 3,
  error: 4,
  critical: 5,
  none: 6,
};

export function severity(level: RpcLogLevel): number {
  return SEVERITY[level] ?? SEVERITY.information;
}

/** Maps the log levels found in host.json (`Information`, `Warning`, ...) to RPC levels. */
export function parseLogLevel(value: unknown): RpcLogLevel | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  const aliases: Record<string, RpcLogLevel> = {
    trace: 'trace',
    debug: 'debug',
    information: 'information',
    info: 'information',
    warning: 'warning',
    warn: 'warning',
    error: 'error',
    critical: 'critical',
    none: 'none',
  };
  return aliases[v];
}

export type LogWriter = (level: RpcLogLevel, message: string) => void;

export function timestamp(date = new Date()): string {
  return `[${date.toISOString()}]`;
}

// C0 controls but TAB (LF is matched too, and kept on request), DEL, C1 controls (U+009B is a
// one-character CSI on some terminals), and U+2028/U+2029, which editors and log viewers break
// lines at.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

function visibleEscape(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with its control characters written as visible escapes: `\n`, `\r`, `\x1b` (ESC),
 * `\x9b`, `\u2028`, … TAB stays. With `keepNewlines`, LF (and CRLF, read as LF) stays a line
 * break. Backslashes are not doubled: the result is for people reading a console (Windows
 * paths stay readable), not a format to be decoded.
 */
export function escapeControlCharacters(text: string, options: { keepNewlines?: boolean } = {}): string {
  if (!options.keepNewlines) return text.replace(CONTROL_CHARACTERS, visibleEscape);
  return text.replace(/\r\n/g, '\n').replace(CONTROL_CHARACTERS, (c) => (c === '\n' ? c : visibleEscape(c)));
}

/** Where the second and later lines of a message start: never at column 0, where host lines start. */
const CONTINUATION_INDENT = '    ';

/**
 * One log entry as the console shows it, ending with a line break: `[timestamp] first line`,
 * then the message's further lines indented, control characters escaped. For anything printed
 * next to the host's own lines — the app's console output too, line by line.
 */
export function formatLogLine(message: string, date = new Date()): string {
  const [first = '', ...rest] = escapeControlCharacters(message, { keepNewlines: true })
    .replace(/\n+$/, '')
    .split('\n');
  const continued = rest.map((line) => (line === '' ? '' : CONTINUATION_INDENT + line));
  return [`${timestamp(date)} ${first}`, ...continued].join('\n') + '\n';
}

/** A writer that prints to this process's stdout/stderr, dropping entries below `minLevel`. */
export function consoleWriter(minLevel: RpcLogLevel = 'information'): LogWriter {
  return (level, message) => {
    if (level === 'none' || severity(level) < severity(minLevel)) return;
    const line = formatLogLine(message);
    if (severity(level) >= SEVERITY.warning) process.stderr.write(line);
    else process.stdout.write(line);
  };
}
