import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { localSwitchesOn } from '@workshop/host/workshop-switches';
import { startStandbyHosts } from '@workshop/host/standby-hosts';
import { startLintService } from '@workshop/testkit/lint-service';
import { startSharedAzurite } from '@workshop/azurite';
import { createVitest } from 'vitest/node';
import vitestConfig from '../../vitest.config.ts';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { repoRoot, type Lab } from './manifest.ts';
import { standbyForks } from './standby-vitest-fork.ts';
import { rerunOnSave, type SavesWatch } from './rerun-on-save.ts';
import { startTypecheck, WarmTypechecker, type RunningTypecheck, type TypecheckReport } from './type-errors.ts';

export interface CheckFailure {
  message: string;
  expected?: string;
  actual?: string;
}

export interface CheckResult {
  title: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  hint?: string;
  guide?: string;
  error?: CheckFailure;
}

export interface ChecksRun {
  checks: CheckResult[];
  /** Errors outside any one check: an app that would not start, a check file that failed to load. */
  errors: CheckFailure[];
  /** The compiler on the app folder (type-errors.ts); a type error fails the run, as it fails `npm start`'s build. */
  typecheck?: TypecheckReport;
  /**
   * Workshop switches the app's local.settings.json turns on (`NAME=value`): the checks do not
   * use them (each check sets the switches it needs), but `npm start` does.
   */
  localSwitches?: string[];
  /** With `watch`: when the save this run checked was seen (performance.now()); none for the first run. */
  savedAt?: number;
  passed: boolean;
}

/**
 * What vitest.config.ts sets for every test and check (the timeouts, a process per file), for
 * the runs of lab checks, which leave that config out: its include and its global setup are the
 * shared packages' tests', and a lab run shares an Azurite of its own.
 */
export const CHECK_SETTINGS = {
  root: repoRoot,
  testTimeout: vitestConfig.test?.testTimeout,
  hookTimeout: vitestConfig.test?.hookTimeout,
  pool: vitestConfig.test?.pool,
};

export interface RunChecksOptions {
  lab: Lab;
  appDir: string;
  /** `built`: the host serves the app's built JavaScript (`main`, after tsc), as `func start` does; default `source`. */
  appCode?: 'source' | 'built';
  watch?: boolean;
  /** Run the TypeScript compiler on the app beside the checks (default true). */
  typecheck?: boolean;
  /** Called after every run (once, or on every save with `watch`), but a run a save stopped. */
  onRun?: (run: ChecksRun) => void;
  /** With `watch`: called at once when a save is seen, with the files saved (relative to the app folder). */
  onSave?: (changed: string[]) => void;
  /** Ends a `watch` (which otherwise runs until the process ends), as `npm run bench` does. */
  signal?: AbortSignal;
}

function toFailure(error: { message?: string; expected?: unknown; actual?: unknown } | undefined): CheckFailure {
  const failure: CheckFailure = { message: String(error?.message ?? 'Unknown error') };
  if (typeof error?.expected === 'string') failure.expected = error.expected;
  if (typeof error?.actual === 'string') failure.actual = error.actual;
  return failure;
}

function toCheckResult(test: TestCase): CheckResult {
  const result = test.result();
  const meta = test.meta();
  const check: CheckResult = { title: test.name, state: result.state };
  if (meta.hint) check.hint = meta.hint;
  if (meta.guide) check.guide = meta.guide;
  if (result.state === 'failed') check.error = toFailure(result.errors[0]);
  return check;
}

export function collect(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<{ message?: string }>): ChecksRun {
  const checks: CheckResult[] = [];
  const errors: CheckFailure[] = unhandled.map((e) => toFailure(e));
  for (const module of modules) {
    for (const error of module.errors()) errors.push(toFailure(error));
    // A describe block's beforeAll that failed (an app that would not load) leaves its checks
    // skipped, with the reason on the block: without it, the verdict showed only "–".
    for (const suite of module.children.allSuites()) for (const error of suite.errors()) errors.push(toFailure(error));
    for (const test of module.children.allTests()) checks.push(toCheckResult(test));
  }
  const passed = errors.length === 0 && checks.length > 0 && checks.every((c) => c.state === 'passed');
  // The same cause reaches the module and its block alike: say it once.
  const unique = errors.filter(
    (error, index) => errors.findIndex((other) => other.message === error.message) === index,
  );
  return { checks, errors: unique, passed };
}

/**
 * How many hosts `--watch` keeps in standby at most: WORKSHOP_WATCH_STANDBY_HOSTS (0 for none, on
 * a laptop short of memory: each takes about 200 MB with its worker), else 3.
 */
export function standbyHostsWanted(env: NodeJS.ProcessEnv = process.env): number {
  const wanted = Number(env.WORKSHOP_WATCH_STANDBY_HOSTS ?? 3);
  return Number.isInteger(wanted) && wanted >= 0 ? Math.min(wanted, 3) : 3;
}

/** The workshop's own packages (the test kit, the samples), as Vitest sees them once resolved. */
const WORKSPACE_PACKAGES = /\/shared\/[^/]+\/src\//;

/** The text of each of a lab's check files. */
function checkSources(lab: Lab): string[] {
  const dir = join(repoRoot, 'labs', lab.slug, 'checks');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.check.ts'))
    .map((file) => readFileSync(join(dir, file), 'utf8'));
}

/**
 * The packages the check files import (`@workshop/testkit`, `sharp`…), as URLs: every package is
 * installed at the repo's root, so they resolve from here as from the checks.
 */
export function checkImports(sources: readonly string[]): string[] {
  // A line that begins an import (`import … from 'x'`, `import 'x'`) or ends a multi-line one (`} from 'x'`).
  const IMPORT_FROM = /^(?:import\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?|\}\s*from\s+)'([^'.][^']*)'/gm;
  const specifiers = new Set<string>();
  for (const source of sources) {
    for (const [, specifier] of source.matchAll(IMPORT_FROM)) {
      if (!specifier!.startsWith('node:') && specifier !== 'vitest') specifiers.add(specifier!);
    }
  }
  // And what the test kit loads on its first use (the storage SDKs), which no check names.
  if (specifiers.has('@workshop/testkit')) specifiers.add('@workshop/testkit/standby-preload');
  return [...specifiers].map((specifier) => import.meta.resolve(specifier));
}

/**
 * Runs one lab's checks with Vitest against an app folder and returns what happened, check by
 * check. The app folder reaches the checks as WORKSHOP_APP_DIR.
 */
export async function runChecks(options: RunChecksOptions): Promise<ChecksRun> {
  let last: ChecksRun = { checks: [], errors: [], passed: false };
  // The compiler runs beside the checks, not after them: started with each run, awaited at its end.
  const typecheckOn = options.typecheck ?? true;
  const warm = typecheckOn && options.watch ? new WarmTypechecker(options.appDir) : undefined;
  const typecheckNow = () => (warm ? warm.check() : startTypecheck(options.appDir));
  let typecheck: RunningTypecheck | undefined = typecheckOn ? typecheckNow() : undefined;
  let firstRun = true;
  let savedAt: number | undefined;
  let saves: SavesWatch | undefined;
  const reporter: Reporter = {
    onTestRunStart() {
      savedAt = saves?.lastSaveAt();
      // A save in watch mode: this run's compiler starts afresh (the first run's already runs).
      if (typecheckOn && !firstRun) {
        typecheck?.cancel();
        typecheck = typecheckNow();
      }
      firstRun = false;
    },
    async onTestRunEnd(modules, unhandled, reason) {
      if (reason === 'interrupted' && options.watch) {
        // A save stopped it: its verdict would be about code that is gone, and the next run's follows.
        typecheck?.cancel();
        typecheck = undefined;
        standby?.refill();
        forks?.refill();
        return;
      }
      last = collect(modules, unhandled);
      if (savedAt !== undefined) last.savedAt = savedAt;
      const switches = localSwitchesOn(options.appDir);
      if (switches.length > 0) last.localSwitches = switches;
      const report = await typecheck?.result;
      typecheck = undefined;
      if (report) {
        last.typecheck = report;
        if (report.errors.length > 0) last.passed = false;
      }
      options.onRun?.(last);
      // Hosts for the next run, loaded while the learner edits (Azure's placeholder mode), and
      // the process that will run its checks.
      standby?.refill();
      forks?.refill();
    },
  };
  // One Azurite for every start of the app, in this run and, in watch mode, every run after a save.
  const storage = startSharedAzurite();
  // In watch mode, the hosts of a run after a save were started in standby after the run before.
  const standbyMax = standbyHostsWanted();
  const standby =
    options.watch && standbyMax > 0
      ? await startStandbyHosts({ appDir: options.appDir, appCode: options.appCode ?? 'source', max: standbyMax })
      : undefined;
  const sources = options.watch ? checkSources(options.lab) : [];
  // And ESLint stays loaded for the labs whose checks lint (08, 11).
  const lint = sources.some((source) => source.includes('lintFindings')) ? await startLintService() : undefined;
  // And the process that runs the checks, with the packages they import already loaded.
  const forks = options.watch ? standbyForks(checkImports(sources)) : undefined;
  const vitest = await createVitest('test', {
    ...CHECK_SETTINGS,
    ...(forks ? { pool: forks.pool, server: { deps: { external: [WORKSPACE_PACKAGES] } } } : {}),
    config: false,
    include: [`labs/${options.lab.slug}/checks/**/*.check.ts`],
    watch: options.watch ?? false,
    reporters: [reporter],
    env: {
      WORKSHOP_APP_DIR: relative(repoRoot, options.appDir),
      WORKSHOP_APP_CODE: options.appCode ?? 'source',
      ...storage.env,
      ...standby?.env,
      ...lint?.env,
    },
  });
  const started = vitest.start();
  if (options.watch) saves = rerunOnSave(vitest, options.appDir, options.onSave, started);
  try {
    await started;
    if (options.watch)
      await new Promise<void>((resolve) => {
        if (options.signal?.aborted) resolve();
        options.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
  } finally {
    saves?.close();
    typecheck?.cancel();
    warm?.stop();
    await vitest.close();
    forks?.stop();
    await standby?.stop();
    await lint?.stop();
    await storage.stop();
  }
  return last;
}
