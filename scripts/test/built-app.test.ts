// Issue #12, item 12: the Core Tools path. A solution built with its own `npm run build` (tsc),
// then its lab's checks with the host serving dist/: what `npm test` runs for every solution.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyApp } from '../lib/app-files.ts';
import {
  buildCopies,
  builtCopyOf,
  buildsWithTsc,
  runBuiltChecks,
  SOURCE_SERVED,
  type BuiltApp,
} from '../lib/built-app.ts';
import { findLab, readManifest, repoRoot, solutionDir } from '../lib/manifest.ts';

const labs = readManifest();
const lab01 = findLab(labs, '01');
const lab02 = findLab(labs, '02');
const made: BuiltApp[] = [];
const prepared: string[] = [];
const build = async (appDir: string, name: string) => {
  const app = await builtCopyOf(appDir, name);
  made.push(app);
  return app;
};
const buildAll = async (apps: Array<{ appDir: string; name: string }>) => {
  const built = await buildCopies(apps);
  made.push(...built);
  return built;
};
/** A copy of a solution to change before it is built. */
const prepare = (lab: typeof lab01, name: string, change: (dir: string) => void) => {
  const dir = join(repoRoot, '.workshop', name);
  copyApp(solutionDir(lab), dir);
  prepared.push(dir);
  change(dir);
  return dir;
};
afterAll(() => {
  for (const app of made) app.remove();
  for (const dir of prepared) rmSync(dir, { recursive: true, force: true });
});

describe('building a solution as npm run build does', () => {
  it('takes a build script that is tsc, as every app of the workshop has', () => {
    expect(buildsWithTsc('tsc')).toBe(true);
    expect(buildsWithTsc('webpack')).toBe(false);
    expect(buildsWithTsc(undefined)).toBe(false);
  });

  it('builds runnable ESM into dist/ (imports end in .js), then makes every source throw if loaded', async () => {
    const app = await build(solutionDir(lab02), 'test-build-02');
    expect(app.built, app.output).toBe(true);
    const images = readFileSync(join(app.dir, 'dist/src/functions/images.js'), 'utf8');
    expect(images).toContain('from "../lib/storage-names.js"');
    expect(readFileSync(join(app.dir, 'src/lib/storage-names.ts'), 'utf8').trimEnd()).toMatch(
      new RegExp(`throw new Error\\('${SOURCE_SERVED.replace(/[/.]/g, '\\$&')}'\\);$`),
    );
  });

  it("fails the app with a type error, with tsc's own message (file and line), and only that app", async () => {
    const dir = prepare(lab01, 'test-build-typo', (copy) =>
      writeFileSync(join(copy, 'src/functions/typo.ts'), "export const width: number = '200';\n"),
    );
    const [typo, fine] = await buildAll([
      { appDir: dir, name: 'test-build-typo' },
      { appDir: solutionDir(lab01), name: 'test-build-fine' },
    ]);
    expect(typo).toMatchObject({
      built: false,
      output: "src/functions/typo.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'.",
    });
    expect(fine).toMatchObject({ built: true, output: '' });
  });

  it('fails, saying why, when the build script is not tsc', async () => {
    const dir = prepare(lab01, 'test-build-webpack', (copy) => {
      const pkg = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      pkg.scripts.build = 'webpack';
      writeFileSync(join(copy, 'package.json'), JSON.stringify(pkg));
    });
    const app = await build(dir, 'test-build-webpack');
    expect(app).toMatchObject({ built: false, output: 'its build script is "webpack", not tsc' });
  });
});

// Two builds and a nested run of lab 01's checks (Azurite, a host each): more than the default
// 30 s on two busy cores, as CI found.
describe('the checks on the built app', { timeout: 120_000 }, () => {
  it('pass on a built solution, and fail on a dist that answers otherwise, whatever its sources say', async () => {
    const good = await build(solutionDir(lab01), 'test-checks-good');
    const changed = await build(solutionDir(lab01), 'test-checks-changed');
    const hello = join(changed.dir, 'dist/src/functions/hello.js');
    writeFileSync(hello, readFileSync(hello, 'utf8').replace('`Hello, ${name}!`', '`Hi, ${name}!`'));
    const [goodRun, changedRun] = await runBuiltChecks(
      [
        { lab: lab01, dir: good.dir },
        { lab: lab01, dir: changed.dir },
      ],
      2,
    );
    expect(goodRun!.errors).toEqual([]);
    expect(goodRun!.passed).toBe(true);
    expect(changedRun!.passed).toBe(false);
    expect(
      changedRun!.checks.filter((c) => c.state === 'failed').map((c) => c.title),
      JSON.stringify(changedRun!.errors),
    ).toEqual([
      'GET /api/hello?name=Ada answers 200 with Hello, Ada!',
      'POST /api/hello with {"name":"Grace"} answers 200 with Hello, Grace!',
      'the name on the query string wins over the one in the body',
    ]);
  });
});
