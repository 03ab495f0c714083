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
export type Rerunner = Pick<Vitest, 'rerunTestSpecifications' | 'globTestSpecifications'>;

/**
 * Reruns every check once the files below `appDir` have stopped changing for SAVE_SETTLE_MS.
 * A save during a run makes one more run after it, however many saves there were. `onRerun` is
 * told, as each run begins, which files changed for it (relative to `appDir`, those still there).
 */
export function rerunOnSave(
  vitest: Rerunner,
  appDir: string,
  onRerun?: (changed: string[]) => void,
): { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const changed = new Set<string>();
  const rerun = async () => {
    running = true;
    try {
      do {
        again = false;
        // An editor's temporary files come and go around a save: only what is there now was saved.
        onRerun?.([...changed].filter((file) => existsSync(join(appDir, file))).sort());
        changed.clear();
        await vitest.rerunTestSpecifications(await vitest.globTestSpecifications());
      } while (again);
    } catch (error) {
      console.error(error);
    } finally {
      running = false;
    }
  };
  const tree = watchTree(appDir, (file) => {
    changed.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) again = true;
      else void rerun();
    }, SAVE_SETTLE_MS);
  });
  return {
    close() {
      clearTimeout(timer);
      tree.close();
    },
  };
}
