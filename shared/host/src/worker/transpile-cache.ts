// The app's compiled TypeScript, kept on disk between worker starts (issue #14). Compiling an
// app's files is most of what a worker spends to start: lab 13's 28 files take 0.2–0.4 s of CPU,
// every start of every app, three apps at once in some labs. A file's JavaScript depends only on
// its text, its base name (its inline source map names it), the compiler options and the
// compiler's version, so the cache is keyed on exactly those: a save compiles the saved file
// alone, and a file that is the same in lab 12 and lab 13 is compiled once for both.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cacheFolder, unchanged, writeWhole, type Stamp } from '../disk-cache.ts';

/** Where the cache lives: a folder, or `off`. Default: node_modules/.cache beside the host's packages. */
export const TRANSPILE_CACHE_SETTING = 'WORKSHOP_TYPESCRIPT_CACHE';

/** Bumped whenever the loader changes what it emits for the same inputs. */
const FORMAT = 1;

export interface CachedOutput {
  source: string;
  format: 'module' | 'commonjs';
}

/**
 * The compiler options for the files under one tsconfig.json (the `extends` chain followed), with
 * the stamps of every file they were read from: while those are unchanged, a worker whose files
 * are all in the cache never loads the compiler, 0.15 s of a worker's start.
 */
export interface CachedOptions {
  stamps: Stamp[];
  options: Record<string, unknown>;
  esm: boolean;
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

  /** The key of the options for the files of one kind (`.ts`, `.mts`, `.cts`) in one folder. */
  static optionsKey(inputs: {
    compilerVersion: string;
    tsconfig: string | undefined;
    packageType: string | undefined;
    extension: string;
  }): string {
    return createHash('sha256')
      .update(
        JSON.stringify([
          'options',
          FORMAT,
          inputs.compilerVersion,
          inputs.tsconfig ?? null,
          inputs.packageType ?? null,
          inputs.extension,
        ]),
      )
      .digest('hex');
  }

  /** Options whose files are all as they were when they were read; undefined otherwise. */
  getOptions(key: string): CachedOptions | undefined {
    if (!this.folder) return undefined;
    try {
      const entry = JSON.parse(fs.readFileSync(this.#pathOf(key, 'options'), 'utf8')) as Partial<CachedOptions>;
      if (!Array.isArray(entry.stamps) || typeof entry.options !== 'object' || typeof entry.esm !== 'boolean')
        return undefined;
      return unchanged(entry.stamps) ? (entry as CachedOptions) : undefined;
    } catch {
      return undefined;
    }
  }

  setOptions(key: string, entry: CachedOptions): void {
    if (!this.folder) return;
    try {
      writeWhole(this.#pathOf(key, 'options'), JSON.stringify(entry));
    } catch {
      // As for set().
    }
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

  #pathOf(key: string, kind?: 'options'): string {
    return path.join(this.folder!, ...(kind ? [kind] : []), key.slice(0, 2), `${key.slice(2)}.json`);
  }
}
