// A lab's checks never import the app (the host loads it in its own process), so Vitest cannot
// see that a save in the app matters: `--watch` watches the app's folder itself. Vitest's own
// watcher waits 100 ms after a change before it reruns (a constant in Vitest); a save is one
// write, or an editor's write-then-rename, so 20 ms is enough to take it as one.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Vitest } from 'vitest/node';
import { watchTree } from './watch-tree.ts';

/** How long a change waits for the next before the checks run again. */
export const SAVE_SETTLE_MS = 20;

/** What a rerun needs of Vitest. */
export type Rerunner = Pick<Vitest, 'rerunTestSpecifications' | 'globTestSpecifications' | 'cancelCurrentRun'>;

export interface SavesWatch {
  /** When the last save was seen (performance.now()), if there was one: a run that begins after it checks it. */
  lastSaveAt(): number | undefined;
  close(): void;
}

/**
 * Reruns every check once the files below `appDir` have stopped changing for SAVE_SETTLE_MS.
 * A save during a run (`firstRun`, or a rerun) stops that run, whose verdict would be about code
 * that is gone, and one run follows for all the saves made meanwhile. `onSave` is told at once
 * which files a save changed (relative to `appDir`, those still there).
 */
export function rerunOnSave(
  vitest: Rerunner,
  appDir: string,
  onSave?: (changed: string[]) => void,
  firstRun?: Promise<unknown>,
): SavesWatch {
  let timer: NodeJS.Timeout | undefined;
  let running = firstRun !== undefined;
  let wanted = false;
  let savedAt: number | undefined;
  const changed = new Set<string>();
  const rerun = async () => {
    running = true;
    try {
      while (wanted) {
        wanted = false;
        await vitest.rerunTestSpecifications(await vitest.globTestSpecifications());
      }
    } catch (error) {
      console.error(error);
    } finally {
      running = false;
    }
  };
  void firstRun
    ?.catch(() => undefined)
    .then(() => {
      running = false;
      if (wanted) void rerun();
    });
  const tree = watchTree(appDir, (file) => {
    changed.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => {
      savedAt = performance.now();
      // An editor's temporary files come and go around a save: only what is there now was saved.
      onSave?.([...changed].filter((name) => existsSync(join(appDir, name))).sort());
      changed.clear();
      wanted = true;
      // Stopped between two checks: the one under way ends first (Vitest's cancel is graceful).
      // A save is the learner's keyboard input, as Vitest names its reasons.
      if (running) void vitest.cancelCurrentRun('keyboard-input');
      else void rerun();
    }, SAVE_SETTLE_MS);
  });
  return {
    lastSaveAt: () => savedAt,
    close() {
      clearTimeout(timer);
      tree.close();
    },
  };
}
