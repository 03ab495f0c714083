// A copy of a lab's app with one stray `}` at the end of a function file: the learner's most
// common slip. `npm test` runs each lab's checks on it, to prove the verdict names the file and
// line instead of showing every check as skipped.

import { rmSync } from 'node:fs';
import { copyAppWith, firstFunctionFile } from './app-files.ts';
import { join } from 'node:path';
import { repoRoot } from './manifest.ts';

export interface BrokenApp {
  dir: string;
  /** The file with the stray brace, relative to the app folder. */
  file: string;
  remove(): void;
}

export function brokenCopyOf(appDir: string, name: string): BrokenApp {
  const dir = join(repoRoot, '.workshop', `broken-${name}`);
  const file = firstFunctionFile(appDir);
  copyAppWith(appDir, dir, file, (text) => `${text}\n}\n`);
  return { dir, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
