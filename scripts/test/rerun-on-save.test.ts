// --watch reruns a lab's checks when the app's files change (rerun-on-save.ts): once per save.
// A save during a run stops it (its verdict would be about code that is gone), and one run
// follows for the saves made during it, however many.

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

/**
 * A Vitest that records what the saved file held when each run began, and runs until released,
 * or cancelled (which it counts).
 */
function recordingRerunner(file: string): Rerunner & { seen: string[]; cancels: number; release(): void } {
  const seen: string[] = [];
  let releases: Array<() => void> = [];
  const release = () => {
    for (const end of releases) end();
    releases = [];
  };
  return {
    seen,
    cancels: 0,
    release,
    async cancelCurrentRun() {
      this.cancels++;
      release();
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

it('runs the checks once for a burst of writes; saves during a run stop it, and one run follows', async () => {
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

    // Three saves while that run goes on: it is stopped, and one run follows, with the last of them.
    writeFileSync(file, 'c');
    writeFileSync(file, 'd');
    writeFileSync(file, 'e');
    await eventually(() => vitest.seen.length === 2, 10_000, 'the run after the saves');
    expect(vitest.cancels).toBe(1);
    vitest.release();

    // The next save's run is the third: no run was left over from the saves before.
    writeFileSync(file, 'last');
    await eventually(() => vitest.seen.includes('last'), 10_000, "the last save's run");
    vitest.release();
    expect(vitest.seen).toEqual(['b', 'e', 'last']);
    expect(vitest.cancels).toBe(1);
    // As each save was seen, --watch was told what was saved (and prints "Saved app.ts: checking…").
    expect(told).toEqual([['app.ts'], ['app.ts'], ['app.ts']]);
  } finally {
    watching.close();
    vitest.release();
  }
});

it('a save during the first run stops it, and its run follows once the first has ended', async () => {
  dir = mkdtempSync(join(repoRoot, '.workshop', 'rerun-on-save-'));
  const file = join(dir, 'app.ts');
  writeFileSync(file, 'start');
  const vitest = recordingRerunner(file);
  let endFirst!: () => void;
  const firstRun = new Promise<void>((resolve) => (endFirst = resolve));
  const watching = rerunOnSave(vitest, dir, undefined, firstRun);
  try {
    expect(watching.lastSaveAt()).toBeUndefined();
    writeFileSync(file, 'saved');
    await eventually(() => vitest.cancels === 1, 10_000, 'the first run stopped');
    expect(watching.lastSaveAt()).toBeGreaterThan(0);
    // Vitest runs one run at a time: the save's run begins when the first has wound down.
    expect(vitest.seen).toEqual([]);
    endFirst();
    await eventually(() => vitest.seen.length === 1, 10_000, "the save's run");
    expect(vitest.seen).toEqual(['saved']);
  } finally {
    watching.close();
    vitest.release();
  }
});
