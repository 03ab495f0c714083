// The Core Tools path (issue #12, item 12). A copy of a lab's app built as `func start` builds it:
// its own `npm run build` (tsc with the app's tsconfig), on the pinned Node with the repository's
// TypeScript, offline. `npm test` then runs the lab's checks with the host serving the built
// JavaScript that package.json `main` names (`appCode: 'built'`), which proves what Core Tools
// would load.

import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { copyApp } from './app-files.ts';
import { repoRoot, solutionDir, type Lab } from './manifest.ts';
import type { ChecksRun } from './run-checks.ts';
import { runChecksSideBySide } from './checks-side-by-side.ts';
import { bold } from './style.ts';
import { describeFailure } from './verdict.ts';

const TSC = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

/** Loading any source file of the copy fails with this: served, it would fail every check. */
export const SOURCE_SERVED = 'npm test: the TypeScript source was served instead of the built dist/';

export interface BuiltApp {
  dir: string;
  /** True when tsc built it without an error. */
  built: boolean;
  /** What tsc said about it (its errors, paths relative to the copy), or why it was not built. */
  output: string;
  remove(): void;
}

/** True for the build script `tsc`: tsc with the app's tsconfig.json, as `npm run build` runs it. */
export function buildsWithTsc(buildScript: unknown): boolean {
  return typeof buildScript === 'string' && buildScript.trim() === 'tsc';
}

function runNode(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (err) => resolve({ code: null, output: err.message }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Every `.ts` file under the copy's src/, relative to it. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(dir, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join('src', file));
}

/**
 * Copies each app to `.workshop/built-<name>` (two folders deep, so its tsconfig's `extends` and
 * its packages resolve as the original's do) and builds it as its `npm run build` does: its build
 * script must be `tsc`, and one `tsc --build` over the copies' tsconfig.json files compiles each as
 * `tsc` in its folder would, sharing the parsed type declarations (11 solutions: about 3 s instead
 * of 17 s for 11 runs). Once built, every source file gets a last line that throws SOURCE_SERVED:
 * a copy passes its checks only if the host serves dist/, never the TypeScript.
 */
export async function buildCopies(apps: ReadonlyArray<{ appDir: string; name: string }>): Promise<BuiltApp[]> {
  const copies = apps.map(({ appDir, name }) => {
    const dir = join(repoRoot, '.workshop', `built-${name}`);
    const remove = () => rmSync(dir, { recursive: true, force: true });
    try {
      copyApp(appDir, dir);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: { build?: unknown } };
      const script = pkg.scripts?.build;
      const why = buildsWithTsc(script) ? '' : `its build script is ${JSON.stringify(script)}, not tsc`;
      return { dir, why, remove };
    } catch (err) {
      return { dir, why: `it could not be copied: ${(err as Error).message}`, remove };
    }
  });
  const toBuild = copies.filter((copy) => copy.why === '');
  const { code, output } =
    toBuild.length === 0
      ? { code: 0, output: '' }
      : await runNode(
          [
            TSC,
            '--build',
            '--pretty',
            'false',
            ...toBuild.map((c) => relative(repoRoot, join(c.dir, 'tsconfig.json'))),
          ],
          repoRoot,
        );
  const lines = output.trim() === '' ? [] : output.trim().split('\n');
  const prefix = (dir: string) => `${relative(repoRoot, dir)}/`;
  // tsc names each error's file relative to the repository; what names no copy concerns them all.
  const nobodys = lines.filter((line) => !copies.some((c) => line.startsWith(prefix(c.dir))));
  if (code !== 0 && lines.length === 0) nobodys.push(`tsc --build exited with ${code}`);
  return copies.map(({ dir, why, remove }) => {
    if (why !== '') return { dir, built: false, output: why, remove };
    const own = lines.filter((line) => line.startsWith(prefix(dir))).map((line) => line.slice(prefix(dir).length));
    const errors = [...own, ...nobodys];
    if (errors.length === 0) {
      for (const file of sourceFiles(dir)) appendFileSync(join(dir, file), `\nthrow new Error('${SOURCE_SERVED}');\n`);
    }
    return { dir, built: errors.length === 0, output: errors.join('\n'), remove };
  });
}

/** One app, built as buildCopies builds them. */
export async function builtCopyOf(appDir: string, name: string): Promise<BuiltApp> {
  const [app] = await buildCopies([{ appDir, name }]);
  return app!;
}

/** The checks of several labs, each against its built copy with the host serving dist/, side by side. */
export function runBuiltChecks(
  apps: ReadonlyArray<{ lab: Lab; dir: string }>,
  maxWorkers: number,
): Promise<ChecksRun[]> {
  return runChecksSideBySide(
    apps.map((app) => ({ ...app, appCode: 'built' as const })),
    maxWorkers,
  );
}

/** Labs whose built checks run side by side (on 2 cores, 11 labs: about 36 s at 4, 45 s at 3, 121 s one by one). */
const BUILT_CHECKS_AT_ONCE = 4;

/**
 * `npm test`'s proof of the Core Tools path: every solution builds with its npm run build (tsc)
 * and, with the host serving its dist/ (its sources made to throw), passes every check of its lab.
 */
export async function proveBuiltSolutions(
  labs: readonly Lab[],
  record: (ok: boolean, title: string, details?: string[]) => void,
): Promise<void> {
  console.log(bold('\nthe Core Tools path: every solution built with its npm run build (tsc), then served from dist/'));
  const apps = await buildCopies(labs.map((lab) => ({ appDir: solutionDir(lab), name: lab.id })));
  try {
    const built = labs.flatMap((lab, index) => {
      const app = apps[index]!;
      if (app.built) return [{ lab, dir: app.dir }];
      record(
        false,
        `lab ${lab.id}: the solution builds with its npm run build (tsc)`,
        app.output.split('\n').slice(0, 8),
      );
      return [];
    });
    const runs = await runBuiltChecks(built, BUILT_CHECKS_AT_ONCE);
    for (const [index, { lab }] of built.entries()) {
      const run = runs[index]!;
      const lines = run.errors.map((e) => describeFailure(e).split('\n')[0]!);
      for (const check of run.checks.filter((c) => c.state !== 'passed')) {
        lines.push(`${check.title}: ${describeFailure(check.error ?? { message: check.state }).split('\n')[0]}`);
      }
      record(
        run.passed,
        `lab ${lab.id}: built with its npm run build (tsc), the solution passes all ${run.checks.length} checks served from dist/`,
        lines,
      );
    }
  } finally {
    for (const app of apps) app.remove();
  }
}
