import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { join, relative } from 'node:path';

const SKIP = new Set(['node_modules', 'dist', '.git']);

function directories(root: string): string[] {
  const found = [root];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory() && !SKIP.has(entry.name)) found.push(...directories(join(root, entry.name)));
  }
  return found;
}

/**
 * Calls `onChange` with the path (relative to `root`) of every file that changes below it.
 * Watches each folder rather than using `recursive`, whose Linux version watches files and
 * goes deaf to a file that an editor saves by replacing it.
 */
export function watchTree(root: string, onChange: (file: string) => void): { close(): void } {
  const watchers = new Map<string, FSWatcher>();
  const sync = () => {
    const current = new Set(directories(root));
    for (const [dir, watcher] of watchers) {
      if (!current.has(dir)) {
        watcher.close();
        watchers.delete(dir);
      }
    }
    for (const dir of current) {
      if (watchers.has(dir)) continue;
      watchers.set(
        dir,
        watch(dir, (event, name) => {
          if (!name) return;
          if (event === 'rename') sync();
          onChange(relative(root, join(dir, name)));
        }),
      );
    }
  };
  sync();
  return { close: () => watchers.forEach((w) => w.close()) };
}
