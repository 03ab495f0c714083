// The verdict names a likely stray '{' when tsc says "'}' expected" at a file's end
// (unmatched-brace.ts). It must not name a line of well-formed code.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../lib/manifest.ts';
import { likelyStrayOpeningBrace } from '../lib/unmatched-brace.ts';

it("names no line in any lab's own TypeScript, starter or solution", () => {
  const files = ['labs', 'solutions'].flatMap((top) =>
    readdirSync(join(repoRoot, top), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.includes('node_modules') && !file.includes('dist/'))
      .map((file) => join(repoRoot, top, file)),
  );
  expect(files.length).toBeGreaterThan(100);
  expect(files.filter((file) => likelyStrayOpeningBrace(file) !== undefined)).toEqual([]);
});
