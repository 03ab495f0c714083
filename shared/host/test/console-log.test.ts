// What the host prints cannot be steered by what it prints: a request, an instance or the app
// may put line breaks and terminal escapes into a message, and the console shows them as text.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleWriter, escapeControlCharacters, formatLogLine } from '../src/console-log.ts';

const FORGED = 'bye\n[2026-01-01T00:00:00.000Z] Host started FORGED\u001b[31m';
const HOST_LINE = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] /;

describe('escapeControlCharacters', () => {
  it('leaves printable text, tabs and non-ASCII letters alone', () => {
    expect(escapeControlCharacters('plain text\twith a tab, café, 東京, 🙂 and C:\\path')).toBe(
      'plain text\twith a tab, café, 東京, 🙂 and C:\\path',
    );
  });

  it('shows line breaks and the escape character as visible escapes', () => {
    expect(escapeControlCharacters(FORGED)).toBe('bye\\n[2026-01-01T00:00:00.000Z] Host started FORGED\\x1b[31m');
    expect(escapeControlCharacters('a\r\nb\rc')).toBe('a\\r\\nb\\rc');
  });

  it('escapes every C0 control but TAB, DEL, every C1 control, and the Unicode line and paragraph separators', () => {
    const c0 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).filter((c) => c !== '\t');
    const c1 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(0x80 + i));
    for (const c of [...c0, '\u007f', ...c1, '\u2028', '\u2029']) {
      const escaped = escapeControlCharacters(`<${c}>`);
      expect(escaped, `U+${c.charCodeAt(0).toString(16)}`).toMatch(/^<\\(x[0-9a-f]{2}|u[0-9a-f]{4}|r|n)>$/);
    }
    expect(escapeControlCharacters('\u0000\u0007\u009b\u2028\u2029')).toBe('\\x00\\x07\\x9b\\u2028\\u2029');
  });

  it('keeps line feeds when asked, and reads CRLF as a line feed then', () => {
    expect(escapeControlCharacters('one\r\ntwo\nthree\rfour\u001b', { keepNewlines: true })).toBe(
      'one\ntwo\nthree\\rfour\\x1b',
    );
  });
});

describe('formatLogLine', () => {
  const at = new Date('2026-11-27T21:20:00.000Z');

  it('prefixes a one-line message with the UTC timestamp', () => {
    expect(formatLogLine("Executing 'Functions.hello'", at)).toBe(
      "[2026-11-27T21:20:00.000Z] Executing 'Functions.hello'\n",
    );
  });

  it('indents every further line, so no line of a message can pass for a line of the host', () => {
    const text = formatLogLine(`Terminating instance abc: ${FORGED}`, at);
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).filter((l) => HOST_LINE.test(l))).toEqual([
      '[2026-11-27T21:20:00.000Z] Terminating instance abc: bye',
    ]);
    expect(lines[1]).toBe('    [2026-01-01T00:00:00.000Z] Host started FORGED\\x1b[31m');
    expect(text).not.toContain('\u001b');
  });

  it('keeps a stack trace readable: one frame a line, under the message', () => {
    const error = new Error('kaboom');
    error.stack =
      'Error: kaboom\n    at handler (/app/src/functions/boom.ts:3:9)\n    at invoke (/host/invoke.ts:73:68)';
    expect(formatLogLine(`Stack: ${error.stack}`, at)).toBe(
      '[2026-11-27T21:20:00.000Z] Stack: Error: kaboom\n' +
        '        at handler (/app/src/functions/boom.ts:3:9)\n' +
        '        at invoke (/host/invoke.ts:73:68)\n',
    );
  });

  it('drops trailing line breaks and leaves blank lines blank', () => {
    expect(formatLogLine('a\n\nb\n\n', at)).toBe('[2026-11-27T21:20:00.000Z] a\n\n    b\n');
  });
});

describe('consoleWriter', () => {
  const written: Array<['stdout' | 'stderr', string]> = [];
  const capture = () => {
    written.length = 0;
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(['stdout', String(chunk)]);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(['stderr', String(chunk)]);
      return true;
    });
  };
  afterEach(() => vi.restoreAllMocks());

  it('prints every entry escaped and indented: information to stdout, warnings and errors to stderr', () => {
    capture();
    const write = consoleWriter('information');
    write('information', `Greeting ${FORGED}`);
    write('error', `Request failed: ${FORGED}`);
    write('debug', 'below the level: not printed');
    vi.restoreAllMocks();
    expect(written.map(([stream]) => stream)).toEqual(['stdout', 'stderr']);
    for (const [, text] of written) {
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      expect(text.split('\n').filter((l) => HOST_LINE.test(l))).toHaveLength(1);
      expect(text).toMatch(/\n {4}\[2026-01-01T00:00:00\.000Z\] Host started FORGED\\x1b\[31m\n$/);
    }
  });
});
