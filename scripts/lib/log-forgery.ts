// Reads what a host printed for signs that a request wrote to the console itself: a line that
// starts with a timestamp the host did not write (a request's CR/LF let it start a line of its
// own), or a raw control character (an escape sequence that colours, moves or clears the
// terminal). The host escapes control characters and indents a message's later lines
// (shared/host/src/console-log.ts), so neither may ever appear, whatever the requests carried.

import { FORGED_MARK, FORGED_TIMESTAMP } from './bad-input-values.ts';
import type { RawRequest } from './raw-http.ts';

/** Every C0 control but TAB and LF, DEL, every C1 control, and U+2028/U+2029, which log viewers break lines at. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
/** The start of every line the host writes: `[2026-11-27T21:20:00.000Z] `. */
const LINE_TIMESTAMP = /^\[(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\]/;
/** A host's timestamps are its clock's; a minute either side of its life allows for a slow start. */
const CLOCK_MARGIN_MS = 60_000;

export interface LogScan {
  lines: number;
  /** Lines that show the forged text (escaped, as they should). */
  carried: number;
  /** Lines that start with a timestamp outside the host's life, or the forged one. */
  forged: string[];
  /** Lines with a raw control character. */
  rawControls: string[];
}

/** `life`: when the host was started and stopped (epoch ms). */
export function scanLog(text: string, life: { from: number; to: number }): LogScan {
  const lines = text.split('\n');
  const scan: LogScan = { lines: lines.length, carried: 0, forged: [], rawControls: [] };
  for (const line of lines) {
    if (line.includes(FORGED_MARK)) scan.carried++;
    if (RAW_CONTROL.test(line)) scan.rawControls.push(shown(line));
    const stamp = LINE_TIMESTAMP.exec(line)?.[1];
    const at = stamp === undefined ? undefined : Date.parse(stamp);
    const outside = at !== undefined && (at < life.from - CLOCK_MARGIN_MS || at > life.to + CLOCK_MARGIN_MS);
    if (line.startsWith(FORGED_TIMESTAMP) || outside) scan.forged.push(shown(line));
  }
  return scan;
}

/** Whether a request carries the forged text anywhere: target (raw or percent-encoded), headers, body. */
export function carriesForgedText(request: RawRequest): boolean {
  const headers = Object.values(request.headers ?? {})
    .flat()
    .join('\n');
  const body = request.body === undefined ? '' : Buffer.from(request.body).toString('utf8');
  return [request.target, headers, body].some((part) => part.includes(FORGED_MARK));
}

/** A line as a report can print it: control characters as \uXXXX escapes, clipped. */
function shown(line: string): string {
  const escaped = line.replace(
    new RegExp(RAW_CONTROL.source, 'g'),
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > 160 ? `${escaped.slice(0, 160)}…` : escaped;
}
