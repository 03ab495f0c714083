import { stripVTControlCharacters } from 'node:util';

// `npm test` prints a part's whole output where it ran, but a CI log is often read from its
// tail (a failed run may show only its last hundred lines). So the end of the run repeats,
// for each failed part, the few lines that say what failed: the failing tests with their
// errors, or the part's own ✗ lines.

const MAX_LINES = 40;
/** Of a failing test's lines: its name and the start of its error, and its end. */
const HEAD_LINES = 4;
const TAIL_LINES = 10;

/** The lines of a failed part's output that say what failed, at most 40, plain text. */
export function failureExcerpt(output: string): string[] {
  const lines = stripVTControlCharacters(output)
    .split(/\r?\n/)
    .map((line) => line.trimEnd());
  const vitest = vitestFailures(lines);
  if (vitest.length > 0) return cap(vitest);
  const marked = markedFailures(lines);
  if (marked.length > 0) return cap(marked);
  return cap(lines.filter((line) => line.trim() !== '').slice(-10));
}

/** Vitest's "Failed Tests" section without its source frames, and its totals. */
function vitestFailures(lines: readonly string[]): string[] {
  const start = lines.findIndex((line) => / Failed Tests \d+ /.test(line));
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && /^\s*Test Files\s/.test(line));
  const section = lines.slice(start + 1, end < 0 ? undefined : end).filter(
    (line) =>
      line.trim() !== '' &&
      !/^\s+\d*\s*\|/.test(line) && // a source frame: "  3| test(…" or "   |     ^"
      !/^[⎯\s]*(\[\d+\/\d+\])?[⎯\s]*$/.test(line), // a rule between failures
  );
  const totals = end < 0 ? [] : lines.slice(end, end + 2).map((line) => line.trim());
  const kept = failingTests(section).flatMap(shortened);
  return kept.length > MAX_LINES - totals.length
    ? [...kept.slice(0, MAX_LINES - totals.length - 1), '…', ...totals]
    : [...kept, ...totals];
}

/** The section cut at each failing test's " FAIL  file > name" line. */
function failingTests(section: readonly string[]): string[][] {
  const tests: string[][] = [];
  for (const line of section) {
    if (/^\s*FAIL\s/.test(line) || tests.length === 0) tests.push([]);
    tests.at(-1)!.push(line);
  }
  return tests;
}

/**
 * A failing test's name and the start of its error, then its end: where an assertion's message
 * is long (a host's whole log), "expected 'Running' to be 'Completed'" and the diff come last.
 */
function shortened(test: string[]): string[] {
  return test.length <= HEAD_LINES + TAIL_LINES + 1
    ? test
    : [...test.slice(0, HEAD_LINES), '…', ...test.slice(-TAIL_LINES)];
}

/** Each ✗ or FAIL line with up to three lines of its details (the lines indented under it). */
function markedFailures(lines: readonly string[]): string[] {
  const indent = (line: string) => line.length - line.trimStart().length;
  const picked: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (!/^\s*(✗|FAIL\b)/.test(line)) continue;
    picked.push(line);
    for (const detail of lines.slice(i + 1, i + 4)) {
      if (detail.trim() === '' || indent(detail) <= indent(line)) break;
      picked.push(detail);
    }
  }
  return picked;
}

function cap(lines: string[]): string[] {
  return lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES - 1), '…'] : lines;
}
