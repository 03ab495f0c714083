// tsc reports a `{` without its `}` at the end of the file ("'}' expected"), and its related
// note points at the block that is left open, not at the brace the learner typed (the
// walkthrough: line 84 reported, the stray `{` on line 54). Formatted code indents what a `{`
// opens: a line that ends with `{` and is not followed by a line indented deeper is the likely one,
// and so is a line that opens two blocks at once (`if (name) { {`, the walkthrough's).

import { readFileSync } from 'node:fs';

/** The 1-based line of the likely stray `{` in a formatted file, if one stands out. */
export function likelyStrayOpeningBrace(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const indent = (line: string) => line.length - line.trimStart().length;
  for (let i = 0; i < lines.length; i++) {
    const code = lines[i]!.replace(/\/\/.*$/, '').trimEnd();
    if (!code.endsWith('{')) continue;
    if (opened(code) >= 2) return i + 1;
    let next = i + 1;
    while (next < lines.length && lines[next]!.trim() === '') next++;
    if (next >= lines.length) return i + 1;
    const following = lines[next]!;
    // An empty block (`{` then `}`) closes itself; anything else must be indented deeper.
    if (following.trimStart().startsWith('}')) continue;
    if (indent(following) <= indent(lines[i]!)) return i + 1;
  }
  return undefined;
}

/** How many more `{` than `}` a line's code has, its string and template literals left out. */
function opened(code: string): number {
  const bare = code.replace(/(['"`])(?:\\.|(?!\1).)*\1/g, '');
  return (bare.match(/\{/g)?.length ?? 0) - (bare.match(/\}/g)?.length ?? 0);
}
