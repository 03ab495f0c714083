// tsc reports a `{` without its `}` at the end of the file ("'}' expected"), and its related
// note points at the block that is left open, not at the brace the learner typed (the
// walkthrough: line 84 reported, the stray `{` on line 54). Formatted code indents what a `{`
// opens: a line that ends with `{` and is not followed by a line indented deeper is the likely one.

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
