// The verdict names a likely stray '{' when tsc says "'}' expected" at a file's end
// (unmatched-brace.ts). It must not name a line of well-formed code.

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

it("names a line that opens two blocks at once, where the next line is indented once (the walkthrough's `if (name) { {`)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'stray-brace-'));
  try {
    const file = join(dir, 'hello.ts');
    writeFileSync(
      file,
      [
        'export function hello(name?: string) {',
        '  if (name) { {',
        '    return { status: 200, body: `Hello, ${name}!` };',
        '  }',
        '  return { status: 400 };',
        '}',
        '',
      ].join('\n'),
    );
    expect(likelyStrayOpeningBrace(file)).toBe(2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
