// The compiler beside the checks keeps what it learnt about an app folder between runs (its
// .tsbuildinfo), so a run that finds files unchanged does not check them again (issue #14).
// What it reports must be what a fresh `tsc --noEmit` would: a new error, a fixed one, and an
// error that a change in one file causes in another that it did not touch.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyApp } from '../lib/app-files.ts';
import { findLab, readManifest, repoRoot, solutionDir } from '../lib/manifest.ts';
import { typecheckApp } from '../lib/typecheck-app.ts';

const dir = join(repoRoot, '.workshop', 'test-typecheck-incremental');
const errorsOf = () => typecheckApp(dir).errors.map((e) => `${e.file.slice(dir.length + 1)}:${e.line} ${e.code}`);

describe('the compiler beside the checks, run again on the same folder', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports each change as a fresh compiler would, including an error it causes in a file it did not touch', () => {
    copyApp(solutionDir(findLab(readManifest(), '02')), dir);
    const query = join(dir, 'src/lib/query.ts');
    const images = join(dir, 'src/functions/images.ts');
    const original = readFileSync(query, 'utf8');
    expect(errorsOf(), 'the solution').toEqual([]);
    expect(errorsOf(), 'again, from what the first run kept').toEqual([]);

    // A caller that relies on nonBlank's type, then that type changed in query.ts alone.
    writeFileSync(images, `${readFileSync(images, 'utf8')}\nexport const probe: string | undefined = nonBlank('x');\n`);
    expect(errorsOf(), 'a caller that fits').toEqual([]);
    writeFileSync(
      query,
      original.replace(
        'export function nonBlank(value: string | undefined): string | undefined {',
        'export function nonBlank(value: string | undefined): number | undefined {',
      ),
    );
    const afterChange = errorsOf();
    expect(
      afterChange.some((e) => e.startsWith('src/functions/images.ts:')),
      `errors: ${afterChange.join(', ')}`,
    ).toBe(true);

    writeFileSync(query, original);
    expect(errorsOf(), 'once query.ts is back').toEqual([]);
  });
});
