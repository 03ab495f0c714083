// A learner starts `npm run lab:NN -- --watch` and saves before its first verdict. The third
// walkthrough of issue #14 got two verdicts then: the first about the code before the save, the
// second "6.3 s after your save", once the whole first run had ended. The save now stops the run
// going on, and the one verdict is about the saved code.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { copyApp } from '../lib/app-files.ts';
import { findLab, readManifest, repoRoot, solutionDir } from '../lib/manifest.ts';
import { runChecks, type ChecksRun } from '../lib/run-checks.ts';
import { eventually } from '../../shared/host/test/helpers.ts';

const lab = findLab(readManifest(), '01');
// Two folders deep, so that the copy's tsconfig `extends` resolves as the original's does.
const dir = join(repoRoot, '.workshop', 'watch-save-during-run');

afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('a save during the first run stops it: the one verdict is about the saved code', { timeout: 120_000 }, async () => {
  rmSync(dir, { recursive: true, force: true });
  copyApp(solutionDir(lab), dir);
  const file = join(dir, 'src/functions/hello.ts');
  const original = readFileSync(file, 'utf8');
  // The saved code fails the checks the solution passes: a verdict about it cannot be the first run's.
  const greetingChanged = original.replace('body: `Hello, ${name}!`', 'body: `Hi, ${name}!`');
  expect(greetingChanged).not.toBe(original);

  const verdicts: ChecksRun[] = [];
  const saves: string[][] = [];
  const stop = new AbortController();
  const watching = runChecks({
    lab,
    appDir: dir,
    watch: true,
    signal: stop.signal,
    onRun: (run) => verdicts.push(run),
    onSave: (changed) => saves.push(changed),
  });
  try {
    // The watch sees the folder just before its first run begins: save until it has seen a save.
    for (let i = 0; saves.length === 0; i++) {
      if (i === 600) throw new Error('the watch saw no save in 60 s');
      writeFileSync(file, `${greetingChanged}// saved ${i}\n`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // A first run takes seconds (Azurite, a host, the checks): the save came during it.
    expect(verdicts).toEqual([]);
    const verdict = await eventually(() => verdicts[0], 100_000, 'a verdict');
    expect(verdict.passed).toBe(false);
    expect(verdict.checks.find((c) => c.state === 'failed')?.error?.message).toContain('Hi, Ada!');
    expect(verdict.savedAt).toBeGreaterThan(0);
  } finally {
    stop.abort();
    await watching.catch(() => undefined);
  }
  // Nothing printed about the code before the save, before or after.
  expect(verdicts).toHaveLength(1);
});
