// What the workshop keeps on disk between processes (the app's compiled TypeScript, the drawn
// sample images, the type checker's state): where, and how it is written. One place for both,
// so every such file lives where build tools keep theirs and no reader ever sees half of one.

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of the cache `name`: `setting` when it names one (`off`: none), else
 * node_modules/.cache/<name> in the nearest folder above this package that has a node_modules,
 * else the temp folder.
 */
export function cacheFolder(name: string, setting?: string): string | undefined {
  if (setting === 'off') return undefined;
  if (setting) return path.resolve(setting);
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules'))) return path.join(dir, 'node_modules', '.cache', name);
    if (path.dirname(dir) === dir) return path.join(os.tmpdir(), name);
  }
}

/**
 * Writes `text` to `file` whole, then renames it into place: processes reading beside this one
 * (workers starting side by side, two terminals on one lab) find the old file or the new one,
 * never half of one. Throws as the write does; nothing partial is left behind.
 */
export function writeWhole(file: string, text: string): void {
  const partial = `${file}.${randomUUID()}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(partial, text);
    fs.renameSync(partial, file);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
}

/** A file read, as it was then: its mtime and size (-1 for a file looked for and not found). */
export type Stamp = [file: string, mtimeMs: number, size: number];

export function stampsOf(files: Iterable<string>): Stamp[] {
  return [...files].map((file) => {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    return [file, stat?.mtimeMs ?? -1, stat?.size ?? -1];
  });
}

/** Whether every file is as it was when stamped. */
export function unchanged(stamps: readonly Stamp[]): boolean {
  return stampsOf(stamps.map(([file]) => file)).every(
    ([, mtimeMs, size], i) => mtimeMs === stamps[i]![1] && size === stamps[i]![2],
  );
}
