import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Not part of an app's source: build output, installed packages, the guide and the checks. */
const NOT_APP = new Set(['node_modules', 'dist', 'checks', 'README.md', 'local.settings.json']);

/** The files of an app folder, as paths relative to it, sorted. */
export function appFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (NOT_APP.has(entry.name)) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(dir, path));
    }
  };
  walk(dir);
  return files.sort();
}

export function readText(dir: string, file: string): string | undefined {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Copies an app folder without its installed packages and build output, replacing `to`. Put the
 * copy two folders deep in the repository (`.workshop/<name>`), like `solutions/NN-…`, so its
 * tsconfig's `extends` and its packages resolve as the original's do.
 */
export function copyApp(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|dist)([\\/]|$)/.test(source.slice(from.length)),
  });
}

/** The app's first function file (`src/functions/…`, by name): the file a learner saves most. */
export function firstFunctionFile(dir: string): string {
  const first = readdirSync(join(dir, 'src', 'functions'))
    .filter((file) => file.endsWith('.ts'))
    .sort()[0];
  if (!first) throw new Error(`${join(dir, 'src', 'functions')} has no .ts file.`);
  return `src/functions/${first}`;
}

/**
 * `copyApp`, then one file of the copy changed as a learner would change it; throws, naming the
 * change (`described`), when it leaves the file as it was: the original moved on without it.
 */
export function copyAppWith(
  from: string,
  to: string,
  file: string,
  change: (text: string) => string,
  described = 'the change',
): void {
  copyApp(from, to);
  const path = join(to, file);
  const before = readFileSync(path, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`${described} no longer applies to ${file}`);
  writeFileSync(path, after);
}
