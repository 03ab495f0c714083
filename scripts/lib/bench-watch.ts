// The figure a learner feels on every save (issue #14): from saving a file of the app to the
// verdict of `npm run lab:NN -- --watch`. Each lab's solution is copied to .workshop/ (two folders
// deep, so its tsconfig's `extends` resolves as the original's does), watched, and saved three
// times, each 2 s after the verdict before.

import { randomUUID } from 'node:crypto';
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { copyApp, firstFunctionFile } from './app-files.ts';
import { repoRoot, solutionDir, starterDir, type Lab } from './manifest.ts';
import { median } from './median.ts';
import { runChecks, type ChecksRun } from './run-checks.ts';

export interface WatchFigure {
  lab: Lab;
  /** From starting the watch to its first verdict. */
  firstSeconds: number;
  /** From a save to the verdict after it: the median of three saves. */
  saveSeconds: number;
  /** Whether every verdict was the checkpoint (it must be for the solution, and is not for a starter). */
  passed: boolean;
}

/** From a verdict to the next save: reading it and changing a line take a learner longer than this. */
const LEARNER_PAUSE_MS = 2_000;
/** Saves per lab: the figure is their median (one save's figure moves by ±0.3 s on a busy machine). */
const SAVES = 3;

/**
 * `from`: the solution (the checkpoint, every check passing), or the starter, whose checks fail
 * as a learner's do while they work: a failing check can wait longer than a passing one.
 */
export async function benchWatch(lab: Lab, from: 'solution' | 'starter' = 'solution'): Promise<WatchFigure> {
  const dir = join(repoRoot, '.workshop', `watch-${lab.slug}`);
  rmSync(dir, { recursive: true, force: true });
  copyApp(from === 'solution' ? solutionDir(lab) : starterDir(lab), dir);
  const stop = new AbortController();
  const verdicts: Array<{ at: number; run: ChecksRun }> = [];
  let onVerdict: (() => void) | undefined;
  const nextVerdict = () => new Promise<void>((resolve) => (onVerdict = resolve));
  const started = performance.now();
  let next = nextVerdict();
  const watching = runChecks({
    lab,
    appDir: dir,
    watch: true,
    signal: stop.signal,
    onRun: (run) => {
      verdicts.push({ at: performance.now(), run });
      onVerdict?.();
    },
  });
  try {
    await Promise.race([next, watching]);
    const firstSeconds = (verdicts[0]!.at - started) / 1000;
    const saves: number[] = [];
    for (let i = 0; i < SAVES; i++) {
      next = nextVerdict();
      // The learner reads the verdict and edits: the save comes 2 s later, not at once. Meanwhile
      // the watch starts the next run's hosts in standby, as it does after every verdict.
      await new Promise((resolve) => setTimeout(resolve, LEARNER_PAUSE_MS));
      // A save that changes the file, as an editor's would: one more line at the end, a line never
      // saved before. (A blank line made the same three texts every bench, which the worker then
      // found compiled in its disk cache: a learner's edit is new, and is compiled on the run.)
      const saved = performance.now();
      appendFileSync(join(dir, firstFunctionFile(dir)), `// saved ${randomUUID()}\n`);
      await Promise.race([next, watching]);
      saves.push((verdicts.at(-1)!.at - saved) / 1000);
    }
    return { lab, firstSeconds, saveSeconds: median(saves), passed: verdicts.every((v) => v.run.passed) };
  } finally {
    stop.abort();
    await watching.catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
