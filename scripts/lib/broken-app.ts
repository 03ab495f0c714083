// A copy of a lab's app with one stray `}` at the end of a function file: the learner's most
// common slip. `npm test` runs each lab's checks on it, to prove the verdict names the file and
// line instead of showing every check as skipped.

import { appendFileSync, readdirSync, rmSync } from 'node:fs';
import { copyApp } from './app-files.ts';
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
  copyApp(appDir, dir);
  const file = `src/functions/${
    readdirSync(join(dir, 'src', 'functions'))
      .filter((f) => f.endsWith('.ts'))
      .sort()[0]
  }`;
  appendFileSync(join(dir, file), '\n}\n');
  return { dir, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
