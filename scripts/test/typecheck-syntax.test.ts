import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyApp } from '../lib/app-files.ts';
import { findLab, readManifest, repoRoot, solutionDir } from '../lib/manifest.ts';
import { typecheckApp } from '../lib/typecheck-app.ts';

const dir = join(repoRoot, '.workshop', 'test-stray-brace-types');

describe('the compiler beside the checks, on a file that does not parse', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the syntax error alone, as tsc does, not the type errors that follow from it', () => {
    copyApp(solutionDir(findLab(readManifest(), '01')), dir);
    const file = join(dir, 'src/functions/hello.ts');
    // A stray brace in the middle of hello(): the rest of the function falls outside it.
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        "  let name = nonBlank(request.query.get('name'));\n",
        "  let name = nonBlank(request.query.get('name'));\n}\n",
      ),
    );
    const { errors } = typecheckApp(dir);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => `${e.code} ${e.message}`).filter((e) => !e.startsWith('1'))).toEqual([]);
  });
});
