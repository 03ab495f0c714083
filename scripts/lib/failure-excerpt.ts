import { stripVTControlCharacters } from 'node:util';

// `npm test` prints a part's whole output where it ran, but a CI log is often read from its
// tail (a failed run may show only its last hundred lines). So the end of the run repeats,
// for each failed part, the few lines that say what failed: the failing tests with their
// errors, or the part's own ✗ lines.

const MAX_LINES = 40;

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
  return section.length > MAX_LINES - totals.length
    ? [...section.slice(0, MAX_LINES - totals.length - 1), '…', ...totals]
    : [...section, ...totals];
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
