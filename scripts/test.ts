import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findBrowser, NO_BROWSER_MESSAGE } from '../shared/dashboard/browser-test/find-browser.ts';
import { findForeignImports } from './lib/app-imports.ts';
import { brokenCopyOf } from './lib/broken-app.ts';
import { failureExcerpt } from './lib/failure-excerpt.ts';
import { proveBuiltSolutions } from './lib/built-app.ts';
import { findDrift } from './lib/drift.ts';
import { findLab, labFolders, readManifest, repoRoot, solutionDir, starterDir, type Lab } from './lib/manifest.ts';
import { LESSON_BUGS, lessonBugCopy } from './lib/lesson-bugs.ts';
import type { ChecksRun } from './lib/run-checks.ts';
import { runChecksSideBySide } from './lib/checks-side-by-side.ts';
import { formatTimings, type Timing } from './lib/timings.ts';
import { findSharedTaskHubs } from './lib/task-hubs.ts';
import { bold, dim, green, red, yellow } from './lib/style.ts';
import { describeFailure } from './lib/verdict.ts';
import { proveVerdictMistakes } from './lib/verdict-mistakes.ts';

// `npm test`: proves the workshop, not a learner's progress. Every lab's solution passes
// its checks, every starter fails the check its lab teaches, starters have not drifted from
// the previous solution, and every app stands alone.

let passed = 0;
let failed = 0;
let notRun = 0;
const started = performance.now();
const timings: Timing[] = [];
/** What failed, repeated at the very end: a CI log is often read from its tail. */
const failures: { title: string; lines: string[] }[] = [];

async function timed<T>(title: string, part: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  try {
    return await part();
  } finally {
    timings.push({ title, ms: performance.now() - start });
  }
}

/** Counts and prints a result; a failure's `repeat` lines (its details by default) are repeated at the end. */
function record(ok: boolean, title: string, details: string[] = [], repeat = details): void {
  if (ok) passed++;
  else {
    failed++;
    failures.push({ title, lines: repeat });
  }
  console.log(`${ok ? green('✓') : red('✗')} ${title}`);
  for (const line of details) console.log(dim(`    ${line}`));
}

/** A step this machine cannot run (it lacks something the workshop does not install): neither passed nor failed. */
function skip(line: string): void {
  notRun++;
  console.log(`${yellow('–')} ${line}`);
}

/**
 * Runs a script (a tool's JavaScript entry in node_modules, or one of the workshop's commands
 * in scripts/) on this Node, the pinned 24, whatever node is first on PATH. Its output is shown
 * as it comes and kept, for the excerpt the end repeats if it fails.
 */
async function run(title: string, script: string, args: string[]): Promise<boolean> {
  console.log(bold(`\n${title}`));
  return recordScript(title, await runScript(script, args, (chunk) => process.stdout.write(chunk)));
}

/** A script's time and result, with the excerpt of its output that the end repeats if it failed. */
function recordScript(title: string, result: ScriptRun): boolean {
  timings.push({ title, ms: result.ms });
  record(result.ok, title, [], result.ok ? [] : failureExcerpt(result.output));
  return result.ok;
}

interface ScriptRun {
  ok: boolean;
  /** stdout and stderr as one text. */
  output: string;
  ms: number;
}

/** Runs a script to its end: whether it exited 0, what it printed, how long it took. */
function runScript(script: string, args: string[], onOutput: (chunk: Buffer) => void = () => {}): Promise<ScriptRun> {
  const start = performance.now();
  const child = spawn(process.execPath, [join(repoRoot, script), ...args], {
    cwd: repoRoot,
    env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : (process.env.FORCE_COLOR ?? '0') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: Buffer[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk);
    onOutput(chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const ended = (ok: boolean, text: string): ScriptRun => ({ ok, output: text, ms: performance.now() - start });
  return new Promise((resolve) => {
    child.on('error', (error) => resolve(ended(false, String(error))));
    child.on('close', (code) => resolve(ended(code === 0, Buffer.concat(output).toString('utf8'))));
  });
}

interface Part {
  title: string;
  script: string;
  args: string[];
}

/**
 * Runs independent parts at once (issue #14): most of their time is spent waiting (on Azurite,
 * on a host, on the disk), so on 2 cores they overlap well. Each part's output is kept and
 * printed whole when it ends, in the order given, so the log reads as if they ran one by one.
 * Resolves with each part's success.
 */
async function runTogether(parts: Part[]): Promise<boolean[]> {
  const runs = parts.map((part) => runScript(part.script, part.args));
  const results: boolean[] = [];
  for (const [i, part] of parts.entries()) {
    const result = await runs[i]!;
    console.log(bold(`\n${part.title}`));
    process.stdout.write(result.output);
    results.push(recordScript(part.title, result));
  }
  return results;
}

/** The dashboard and the docs site in a real browser, when the machine has one: the workshop never downloads a browser. */
async function browserTests(): Promise<void> {
  try {
    if (!findBrowser()) return skip(NO_BROWSER_MESSAGE);
  } catch {
    // CHROME_PATH names no file: not "no browser" but a mistake, which browser-tests.ts reports and fails on.
  }
  await run('the dashboard and the docs site work in a real browser', 'scripts/browser-tests.ts', []);
}

function failureSummary(run: ChecksRun): string[] {
  const lines = run.errors.map((e) => describeFailure(e).split('\n')[0]!);
  for (const check of run.checks.filter((c) => c.state !== 'passed')) {
    lines.push(`${check.title}: ${describeFailure(check.error ?? { message: check.state }).split('\n')[0]}`);
  }
  return lines;
}

/** A lab's three runs of its checks: the solution, the starter, and a copy with a stray brace. */
interface LabRuns {
  solution: ChecksRun;
  starter: ChecksRun;
  broken: ChecksRun;
  brokenFile: string;
}

/** Lab runs side by side (checkpoint runs of different labs share nothing but the CPU). */
const LAB_RUNS_AT_ONCE = 4;

/**
 * Every lab's solution, starter and stray-brace copy, and the copies with a bug a guide names
 * (lesson-bugs.ts), all side by side (issue #14). The lesson bugs are recorded here.
 */
async function runEveryLab(labs: readonly Lab[]): Promise<LabRuns[]> {
  const broken = labs.map((lab) => brokenCopyOf(solutionDir(lab), lab.id));
  const bugs = LESSON_BUGS.map((bug) => lessonBugCopy(findLab(labs, bug.labId), bug));
  try {
    const runs = await runChecksSideBySide(
      [
        ...labs.flatMap((lab, i) => [
          { lab, dir: solutionDir(lab) },
          { lab, dir: starterDir(lab) },
          { lab, dir: broken[i]!.dir },
        ]),
        ...bugs.map(({ lab, dir }) => ({ lab, dir })),
      ],
      LAB_RUNS_AT_ONCE,
    );
    for (const [i, { bug }] of bugs.entries()) {
      const run = runs[3 * labs.length + i]!;
      const check = run.checks.find((c) => c.title === bug.caughtBy);
      record(
        check?.state === 'failed',
        `lab ${bug.labId}: ${bug.what} is caught by the check "${bug.caughtBy}"`,
        check?.state === 'failed'
          ? [describeFailure(check.error ?? { message: '' }).split('\n')[0]!]
          : [check ? `that check ${check.state}` : 'no check has that title'],
      );
    }
    return labs.map((_, i) => ({
      solution: runs[3 * i]!,
      starter: runs[3 * i + 1]!,
      broken: runs[3 * i + 2]!,
      brokenFile: broken[i]!.file,
    }));
  } finally {
    for (const copy of [...broken, ...bugs]) copy.remove();
  }
}

async function proveLab(lab: Lab, previous: Lab | undefined, runs: LabRuns): Promise<void> {
  const { solution, starter } = runs;
  record(
    solution.passed,
    `lab ${lab.id}: the solution passes all ${solution.checks.length} checks`,
    solution.passed ? [] : failureSummary(solution),
  );

  const lesson = starter.checks.find((c) => c.title === lab.starterFails);
  const failsForItsLesson = !starter.passed && lesson?.state === 'failed';
  record(
    failsForItsLesson,
    `lab ${lab.id}: the unsolved starter is caught by the check "${lab.starterFails}"`,
    failsForItsLesson
      ? [describeFailure(lesson!.error ?? { message: '' }).split('\n')[0]!]
      : lesson
        ? [`that check ${lesson.state}`]
        : [`no check has that title; checks are: ${starter.checks.map((c) => c.title).join(' | ')}`],
  );

  // The learner's most common slip: a syntax error. The verdict must name the file, not skip every check in silence.
  const named = runs.broken.errors.some(
    (e) => e.message.includes('Could not load') && e.message.includes(runs.brokenFile),
  );
  record(
    named,
    `lab ${lab.id}: a stray brace in ${runs.brokenFile} is named in the verdict`,
    named
      ? [runs.broken.errors[0]!.message.split('\n')[0]!]
      : [
          `the verdict said: ${runs.broken.errors.map((e) => e.message.split('\n')[0]).join(' | ') || 'no error; checks ' + runs.broken.checks.map((c) => c.state).join(', ')}`,
        ],
  );
  // A type error is listed (file:line); an async orchestrator is named, with the guide's step (issue #12, items 2 and 3).
  await proveVerdictMistakes(lab, record);

  if (previous) {
    const drift = findDrift(solutionDir(previous), starterDir(lab), lab.changes);
    record(drift.length === 0, `lab ${lab.id}: the starter is solution ${previous.id} plus this lab's changes`, drift);
  }
  for (const dir of [starterDir(lab), solutionDir(lab)]) {
    const foreign = findForeignImports(dir);
    record(foreign.length === 0, `${relative(repoRoot, dir)} imports only what a deployed app can`, foreign);
  }
}

async function main(): Promise<void> {
  const labs = readManifest();
  const listed = new Set(labs.map((l) => l.slug));
  const unlisted = labFolders().filter((f) => !listed.has(f));
  record(unlisted.length === 0, 'every lab folder is in labs/manifest.json', unlisted);
  const missing = labs.filter((l) => !existsSync(solutionDir(l)) || !existsSync(starterDir(l))).map((l) => l.slug);
  record(missing.length === 0, 'every lab has a starter and a solution', missing);
  const sharedHubs = findSharedTaskHubs(labs);
  record(sharedHubs.length === 0, 'every lab with orchestrations keeps them in a task hub of its own', sharedHubs);

  const [, , , , docsBuilt] = await timed('the first parts, side by side', () =>
    runTogether([
      { title: "the shared packages' own tests pass", script: 'node_modules/vitest/vitest.mjs', args: ['run'] },
      {
        title: 'every app, check and script typechecks',
        script: 'node_modules/typescript/bin/tsc',
        args: ['-p', 'tsconfig.json'],
      },
      { title: 'the repo is formatted (npm run format)', script: 'scripts/format.ts', args: ['--check'] },
      {
        title: "the dashboard's page typechecks (browser code)",
        script: 'node_modules/typescript/bin/tsc',
        args: ['-p', 'shared/dashboard/web/tsconfig.json'],
      },
      {
        title: 'the docs site builds with zero TypeDoc warnings',
        script: 'node_modules/typedoc/bin/typedoc',
        args: [],
      },
    ]),
  );
  // Built before the browser tests, which then look at this docs/site instead of building their own.
  if (docsBuilt) process.env.WORKSHOP_DOCS_SITE = join(repoRoot, 'docs/site');
  await browserTests();

  console.log(bold('\nevery lab: solution passes, starter fails for its lesson'));
  const runs = await timed("every lab's solution, starter and stray-brace copy, side by side", () => runEveryLab(labs));
  await timed('the verdict proofs (a type error, an async orchestrator), drift and imports', async () => {
    for (const [index, lab] of labs.entries()) await proveLab(lab, labs[index - 1], runs[index]!);
  });
  // The Core Tools path (issue #12, item 12): what func start loads after npm run build.
  await timed('every solution built (tsc) and checked from dist/', () => proveBuiltSolutions(labs, record));

  // The promises behind the labs, each one command with its figures (issue #6): nothing lost
  // when the host is killed or storage restarts, a clear answer to every bad input, every job
  // of a crowd completed.
  // Each of them mostly waits (leases, retries, a host at a time) and leaves a core idle: side
  // by side they take the time of the slowest (71–80 s instead of 105 s one after another).
  await timed('faults, load and bad input, side by side', () =>
    runTogether([
      {
        title:
          'npm run faults -- --ci: every job survives 5 host kills, 3 worker kills and an Azurite kill, each output once; the mistakes of a learner end and the host answers throughout',
        script: 'scripts/faults.ts',
        args: ['--ci'],
      },
      {
        title: 'npm run load -- --ci: 100 thumbnail jobs at once, all completed',
        script: 'scripts/load.ts',
        args: ['--ci'],
      },
      {
        title:
          'npm run bad-input: every bad input of every app answered 4xx with JSON; loopback only; no secret logged; supply chain',
        script: 'scripts/bad-input.ts',
        args: [],
      },
    ]),
  );

  console.log(bold('\nTime per part (issue #14: the slow ones first)'));
  console.log(formatTimings(timings, performance.now() - started));
  console.log('');
  if (failures.length > 0) console.log(bold('What failed (each part above has the whole story)'));
  for (const failure of failures) {
    console.log(red(`✗ ${failure.title}`));
    for (const line of failure.lines) console.log(`    ${line}`);
  }
  console.log(`${passed} passed, ${failed} failed${notRun > 0 ? `, ${notRun} not run` : ''}`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
