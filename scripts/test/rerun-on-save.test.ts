// --watch reruns a lab's checks when the app's files change (rerun-on-save.ts): once per save,
// and once more after a run for the saves made during it, however many.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { TestSpecification } from 'vitest/node';
import { rerunOnSave, type Rerunner } from '../lib/rerun-on-save.ts';
import { eventually, repoRoot } from '../../shared/host/test/helpers.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A Vitest that records what the saved file held when each run began, and runs until released. */
function recordingRerunner(file: string): Rerunner & { seen: string[]; release(): void } {
  const seen: string[] = [];
  let releases: Array<() => void> = [];
  return {
    seen,
    release() {
      for (const release of releases) release();
      releases = [];
    },
    globTestSpecifications: async () => [] as TestSpecification[],
    rerunTestSpecifications: async () => {
      seen.push(readFileSync(file, 'utf8'));
      await new Promise<void>((resolve) => releases.push(resolve));
      return { testModules: [], unhandledErrors: [] } as unknown as Awaited<
        ReturnType<Rerunner['rerunTestSpecifications']>
      >;
    },
  };
}

it('runs the checks once for a burst of writes, and once after a run for every save made during it', async () => {
  dir = mkdtempSync(join(repoRoot, '.workshop', 'rerun-on-save-'));
  const file = join(dir, 'app.ts');
  writeFileSync(file, 'start');
  const vitest = recordingRerunner(file);
  const told: string[][] = [];
  const watching = rerunOnSave(vitest, dir, (changed) => told.push(changed));
  try {
    writeFileSync(file, 'a');
    writeFileSync(file, 'b');
    await eventually(() => vitest.seen.length === 1, 10_000, 'a run after the burst');
    expect(vitest.seen).toEqual(['b']);

    // Three saves while that run goes on: one run after it, with the last of them.
    writeFileSync(file, 'c');
    writeFileSync(file, 'd');
    writeFileSync(file, 'e');
    await new Promise((resolve) => setImmediate(resolve));
    vitest.release();
    await eventually(() => vitest.seen.length === 2, 10_000, 'the run after the saves');
    vitest.release();

    // The next save's run is the third: no run was left over from the saves before.
    writeFileSync(file, 'last');
    await eventually(() => vitest.seen.includes('last'), 10_000, "the last save's run");
    vitest.release();
    expect(vitest.seen).toEqual(['b', 'e', 'last']);
    // As each run began, --watch was told what was saved for it (and prints "Saved app.ts: checking…").
    expect(told).toEqual([['app.ts'], ['app.ts'], ['app.ts']]);
  } finally {
    watching.close();
    vitest.release();
  }
});
