// The app's compiled TypeScript, kept on disk between worker starts (issue #14). Compiling an
// app's files is most of what a worker spends to start: lab 13's 28 files take 0.2–0.4 s of CPU,
// every start of every app, three apps at once in some labs. A file's JavaScript depends only on
// its text, its base name (its inline source map names it), the compiler options and the
// compiler's version, so the cache is keyed on exactly those: a save compiles the saved file
// alone, and a file that is the same in lab 12 and lab 13 is compiled once for both.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cacheFolder, writeWhole } from '../disk-cache.ts';

/** Where the cache lives: a folder, or `off`. Default: node_modules/.cache beside the host's packages. */
export const TRANSPILE_CACHE_SETTING = 'WORKSHOP_TYPESCRIPT_CACHE';

/** Bumped whenever the loader changes what it emits for the same inputs. */
const FORMAT = 1;

export interface CachedOutput {
  source: string;
  format: 'module' | 'commonjs';
}

export class TranspileCache {
  readonly folder: string | undefined;

  constructor(setting = process.env[TRANSPILE_CACHE_SETTING]) {
    this.folder = cacheFolder('workshop-typescript', setting);
  }

  /** The key of one compilation: everything that can change its output. */
  static key(inputs: { compilerVersion: string; file: string; options: unknown; esm: boolean; text: string }): string {
    return createHash('sha256')
      .update(JSON.stringify([FORMAT, inputs.compilerVersion, path.basename(inputs.file), inputs.esm, inputs.options]))
      .update('\0')
      .update(inputs.text)
      .digest('hex');
  }

  get(key: string): CachedOutput | undefined {
    if (!this.folder) return undefined;
    try {
      const entry = JSON.parse(fs.readFileSync(this.#pathOf(key), 'utf8')) as Partial<CachedOutput>;
      if (typeof entry.source === 'string' && (entry.format === 'module' || entry.format === 'commonjs'))
        return { source: entry.source, format: entry.format };
    } catch {
      // Not there, or unreadable: compile it.
    }
    return undefined;
  }

  /** Written whole or not at all (a rename), so that workers starting side by side never read half an entry. */
  set(key: string, output: CachedOutput): void {
    if (!this.folder) return;
    try {
      writeWhole(this.#pathOf(key), JSON.stringify(output));
    } catch {
      // A read-only or full disk: the next start compiles again, nothing worse.
    }
  }

  #pathOf(key: string): string {
    return path.join(this.folder!, key.slice(0, 2), `${key.slice(2)}.json`);
  }
}
