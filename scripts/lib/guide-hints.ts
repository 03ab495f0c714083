// A lab's hints have one source: the "## Hints" section of its guide, one <details> block per
// hint. `npm run hint` prints the same words a reader of the guide unfolds, so the two cannot
// drift apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guidePath, repoRoot, type Lab } from './manifest.ts';

export interface GuideHint {
  /** What the hint is about, from `<summary>Hint N — title</summary>`. */
  title: string;
  /** The hint's Markdown, as written in the guide. */
  body: string;
}

const HINT = /<details><summary>Hint (\d+) — (.+?)<\/summary>\n([\s\S]*?)<\/details>/g;

/** The hints of a guide's text, in order; throws when they are not numbered 1, 2, 3… */
export function parseHints(markdown: string, where: string): GuideHint[] {
  const start = markdown.search(/^## Hints$/m);
  if (start < 0) throw new Error(`${where} has no "## Hints" section.`);
  const end = markdown.slice(start + 1).search(/^## /m);
  const section = end < 0 ? markdown.slice(start) : markdown.slice(start, start + 1 + end);
  const hints: GuideHint[] = [];
  for (const match of section.matchAll(HINT)) {
    if (Number(match[1]) !== hints.length + 1)
      throw new Error(`${where}: hint ${match[1]} comes where hint ${hints.length + 1} should.`);
    hints.push({ title: match[2]!.trim(), body: match[3]!.trim() });
  }
  if (hints.length === 0) throw new Error(`${where}'s "## Hints" section has no <details><summary>Hint 1 — …`);
  return hints;
}

export function guideHints(lab: Lab): GuideHint[] {
  const path = guidePath(lab);
  return parseHints(readFileSync(join(repoRoot, path), 'utf8'), path);
}

/** A hint's Markdown for a terminal: code fences dropped, code indented. */
export function hintForTerminal(body: string, code: (line: string) => string): string {
  const lines: string[] = [];
  let inCode = false;
  for (const line of body.split('\n')) {
    if (/^```/.test(line)) {
      inCode = !inCode;
      continue;
    }
    lines.push(inCode ? `    ${code(line)}` : line);
  }
  return lines.join('\n');
}

/**
 * What a hint's title quotes of a failure: `"the custom status went back to null"`, or several
 * quotes joined by `or`. `…` stands for a part that varies from run to run.
 */
export function quotedFailures(hint: GuideHint): string[] {
  const inner = /^"(.+)"$/.exec(hint.title)?.[1];
  return inner ? inner.split('" or "') : [];
}

/** The numbers (from 1) of the hints whose title quotes this failure. */
export function hintsQuoting(hints: readonly GuideHint[], failure: string): number[] {
  const numbers: number[] = [];
  for (const [index, hint] of hints.entries()) {
    const quotes = quotedFailures(hint).map(
      (quote) =>
        new RegExp(
          quote
            .split('…')
            .map((part) => part.trim().replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'))
            .join('.*?'),
          's',
        ),
    );
    if (quotes.some((quote) => quote.test(failure))) numbers.push(index + 1);
  }
  return numbers;
}
