// Loads a Functions app the way the Node worker does: every file matched by `main` in the
// app's package.json is imported, and importing registers the functions (through
// `@azure/functions-core`). One difference on purpose: when `main` points into the TypeScript
// build output (`dist/src/functions/*.js`) and the source exists, the `.ts` source is imported
// instead, compiled as it loads like `tsc` would (typescript-loader.ts), so the learner never
// needs a build step. With `appCode: 'built'` there is no such difference: exactly the files
// `main` names are imported by plain Node, as `func start` loads them after `npm run build`.

import fs from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FunctionsCore } from './functions-core.ts';
import { isRecord, readJsonFile } from '../jsonc.ts';
import { enableSourceMaps, installTypeScriptCompiler, isAppTypeScript } from './typescript-loader.ts';

export class AppLoadError extends Error {
  override name = 'AppLoadError';
  /** The entry point (relative to the app folder) that failed, when one did. */
  readonly file: string | undefined;
  constructor(message: string, file?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.file = file;
  }
}

/**
 * What the worker loads. `source` (the default): the TypeScript source in place of each compiled
 * file `main` names, compiled as it loads. `built`: exactly the files `main` names, imported by
 * plain Node with no TypeScript hooks, and an app file that is TypeScript refused — what the
 * real Node worker does under `func start` (after `npm run build`) and in Azure (where
 * `.funcignore` leaves every `.ts` file out of the deployment).
 */
export type AppCode = 'source' | 'built';

export interface EntryPoint {
  /** Absolute path of the file that is imported. */
  file: string;
  /** Path relative to the app folder, with forward slashes (for messages). */
  relative: string;
  /** True when a TypeScript source replaces the compiled file that `main` names. */
  fromSource: boolean;
}

interface BuildLayout {
  /** Absolute outDir of the app's tsconfig, if any (default `dist` when there is no tsconfig). */
  outDir: string | undefined;
  /** Absolute rootDir, when the tsconfig sets it. */
  rootDir: string | undefined;
}

const toPosix = (p: string) => p.split(path.sep).join('/');

function relativeTo(appDir: string, file: string): string {
  return toPosix(path.relative(appDir, file));
}

/** Reads outDir/rootDir from tsconfig.json, following relative `extends` like tsc does. */
export function readBuildLayout(appDir: string): BuildLayout {
  const first = path.join(appDir, 'tsconfig.json');
  if (!fs.existsSync(first)) return { outDir: path.join(appDir, 'dist'), rootDir: undefined };
  let outDir: string | undefined;
  let rootDir: string | undefined;
  let file: string | undefined = first;
  const seen = new Set<string>();
  while (file && !seen.has(file)) {
    seen.add(file);
    let config: unknown;
    try {
      config = readJsonFile(file);
    } catch {
      break; // a broken tsconfig is tsc's problem; fall back to the compiled files
    }
    if (!isRecord(config)) break;
    const options = isRecord(config.compilerOptions) ? config.compilerOptions : {};
    const dir = path.dirname(file);
    if (outDir === undefined && typeof options.outDir === 'string') outDir = path.resolve(dir, options.outDir);
    if (rootDir === undefined && typeof options.rootDir === 'string') rootDir = path.resolve(dir, options.rootDir);
    const ext = config.extends;
    file =
      typeof ext === 'string' && (ext.startsWith('.') || path.isAbsolute(ext))
        ? path.resolve(dir, ext.endsWith('.json') ? ext : `${ext}.json`)
        : undefined;
  }
  return { outDir, rootDir };
}

const SOURCE_EXTENSION: Record<string, string> = { '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts' };

function swapExtension(p: string): string | undefined {
  const ext = Object.keys(SOURCE_EXTENSION).find((e) => p.endsWith(e));
  return ext ? p.slice(0, -ext.length) + SOURCE_EXTENSION[ext] : undefined;
}

/** Candidate source roots for files under outDir: rootDir if set, else the app folder or src/. */
function sourceRoots(appDir: string, layout: BuildLayout): string[] {
  return layout.rootDir ? [layout.rootDir] : [appDir, path.join(appDir, 'src')];
}

/** `dist/src/functions/x.js` → `src/functions/x.ts`, when that source file exists. */
export function sourceFor(appDir: string, compiled: string, layout: BuildLayout): string | undefined {
  if (!layout.outDir) return undefined;
  const rel = path.relative(layout.outDir, compiled);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const swapped = swapExtension(rel);
  if (!swapped) return undefined;
  for (const root of sourceRoots(appDir, layout)) {
    const candidate = path.join(root, swapped);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The inverse of sourceFor: the file tsc builds from a source file of the app
 * (`src/lib/x.ts` → `dist/src/lib/x.js`), the first candidate that exists, else the first candidate.
 */
export function builtFileFor(appDir: string, source: string): string {
  const layout = readBuildLayout(appDir);
  const outDir = layout.outDir ?? path.join(appDir, 'dist');
  const absolute = path.resolve(appDir, source);
  const ext = Object.entries(SOURCE_EXTENSION).find(([, ts]) => absolute.endsWith(ts));
  const compiled = ext ? absolute.slice(0, -ext[1].length) + ext[0] : absolute;
  const candidates = sourceRoots(appDir, layout)
    .map((root) => path.relative(root, compiled))
    .filter((rel) => !rel.startsWith('..') && !path.isAbsolute(rel))
    .map((rel) => path.join(outDir, rel));
  return candidates.find((file) => fs.existsSync(file)) ?? candidates[0] ?? compiled;
}

/** Maps a `main` pattern that points into outDir to the patterns of the sources. */
function sourcePatterns(appDir: string, pattern: string, layout: BuildLayout): string[] {
  if (!layout.outDir) return [];
  const rel = path.relative(layout.outDir, path.resolve(appDir, pattern));
  if (rel.startsWith('..') || path.isAbsolute(rel)) return [];
  const swapped = swapExtension(rel);
  if (!swapped) return [];
  return sourceRoots(appDir, layout).map((root) => toPosix(path.relative(appDir, path.join(root, swapped))));
}

function hasMagic(pattern: string): boolean {
  return /[*?[\]{}!]/.test(pattern);
}

function expand(appDir: string, pattern: string): string[] {
  if (!hasMagic(pattern)) {
    const file = path.resolve(appDir, pattern);
    return fs.existsSync(file) && fs.statSync(file).isFile() ? [file] : [];
  }
  return fs
    .globSync(pattern, { cwd: appDir, exclude: (name) => path.basename(String(name)) === 'node_modules' })
    .map((p) => path.resolve(appDir, p))
    .filter((p) => fs.statSync(p).isFile());
}

/** Reads the app's package.json `main`. */
export function readMain(appDir: string): string {
  let pkg: unknown;
  try {
    pkg = readJsonFile(path.join(appDir, 'package.json'));
  } catch (err) {
    throw new AppLoadError(`Could not read package.json: ${(err as Error).message}`);
  }
  if (pkg === undefined) throw new AppLoadError(`No package.json in ${appDir}; an app needs one with "main".`);
  if (!isRecord(pkg) || typeof pkg.main !== 'string' || pkg.main.trim() === '') {
    throw new AppLoadError(
      'package.json has no "main": it must name the files that register functions, e.g. "dist/src/functions/*.js".',
    );
  }
  return pkg.main.trim();
}

/**
 * The files to import for `main`, in a stable order: each compiled file is replaced by its
 * TypeScript source when that exists; sources that were never compiled (no dist yet) are
 * included too; compiled files without a source are imported as they are.
 */
export function resolveEntryPoints(appDir: string, main = readMain(appDir), appCode: AppCode = 'source'): EntryPoint[] {
  if (appCode === 'built') return builtEntryPoints(appDir, main);
  const layout = readBuildLayout(appDir);
  const chosen = new Map<string, EntryPoint>();
  const add = (file: string, fromSource: boolean) => {
    if (!chosen.has(file)) chosen.set(file, { file, relative: relativeTo(appDir, file), fromSource });
  };
  for (const compiled of expand(appDir, main)) {
    const source = sourceFor(appDir, compiled, layout);
    add(source ?? compiled, source !== undefined);
  }
  for (const pattern of sourcePatterns(appDir, main, layout)) {
    for (const source of expand(appDir, pattern)) add(source, true);
  }
  const result = [...chosen.values()].sort(byRelativePath);
  if (result.length === 0) {
    throw new AppLoadError(
      hasMagic(main)
        ? `No files match "main" (${main}) in package.json, and no TypeScript sources for it were found.`
        : `The file named by "main" (${main}) in package.json does not exist.`,
    );
  }
  return result;
}

/**
 * Entry points in a fixed order, by code unit: `localeCompare` would load ICU's collation on the
 * worker's start, 6–30 ms of it on 2 busy cores, for file names that are ASCII anyway.
 */
function byRelativePath(a: EntryPoint, b: EntryPoint): number {
  return a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0;
}

/** `appCode: 'built'`: the files `main` names and nothing else, as the real Node worker finds them. */
function builtEntryPoints(appDir: string, main: string): EntryPoint[] {
  const result = expand(appDir, main)
    .map((file) => ({ file, relative: relativeTo(appDir, file), fromSource: false }))
    .sort(byRelativePath);
  if (result.length === 0) {
    throw new AppLoadError(
      `${hasMagic(main) ? `No files match "main" (${main})` : `The file named by "main" (${main}) does not exist`} ` +
        'in package.json, and the host serves the built app only: run `npm run build` (tsc) first.',
    );
  }
  return result;
}

/**
 * `appCode: 'built'`: a TypeScript file of the app reached from the built JavaScript (a relative
 * import that `tsc` did not rewrite to `.js`) fails to load, as it would in Azure, where no `.ts`
 * file is deployed. Node 24 would otherwise strip its types and run it, hiding the mistake.
 */
function refuseAppTypeScript(appDir: string): void {
  const root = pathToFileURL(appDir.endsWith(path.sep) ? appDir : appDir + path.sep).href;
  module.registerHooks({
    load(url, context, nextLoad) {
      if (url.startsWith(root) && isAppTypeScript(url)) {
        const err = new Error(
          `${relativeTo(appDir, fileURLToPath(url))} is TypeScript: the built app must import only JavaScript ` +
            '(tsc rewrites "./x.ts" to "./x.js" with rewriteRelativeImportExtensions), and a deployment has no .ts files.',
        ) as NodeJS.ErrnoException;
        err.code = 'ERR_BUILT_APP_IMPORTS_TYPESCRIPT';
        throw err;
      }
      return nextLoad(url, context);
    },
  });
}

let tsFallbackInstalled = false;

/**
 * TypeScript projects compiled with plain `tsc` import siblings as `./x.js` while the file on
 * disk is `./x.ts`. When such an import comes from a `.ts` file and only the `.ts` file exists,
 * resolve to it, as the compiled app would find the `.js` next to it. Likewise a CommonJS app's
 * extensionless `require('./x')` finds `x.ts` (or `x/index.ts`) when there is no `x.js`.
 */
function installTsExtensionFallback(): void {
  if (tsFallbackInstalled) return;
  tsFallbackInstalled = true;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (err) {
        const parent = context.parentURL;
        const swapped = swapExtension(specifier);
        const code = (err as NodeJS.ErrnoException).code;
        if (
          (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
          swapped &&
          (specifier.startsWith('./') || specifier.startsWith('../')) &&
          parent?.startsWith('file:') &&
          /\.[mc]?ts$/.test(parent) &&
          fs.existsSync(fileURLToPath(new URL(swapped, parent)))
        ) {
          return nextResolve(swapped, context);
        }
        // A CommonJS app compiled by tsc requires `./x` and finds `x.js`; here `x.ts`.
        if (
          code === 'MODULE_NOT_FOUND' &&
          (specifier.startsWith('./') || specifier.startsWith('../')) &&
          !/\.[a-z]+$/i.test(specifier) &&
          parent?.startsWith('file:')
        ) {
          for (const candidate of [`${specifier}.ts`, `${specifier}/index.ts`]) {
            if (fs.existsSync(fileURLToPath(new URL(candidate, parent)))) return nextResolve(candidate, context);
          }
        }
        throw err;
      }
    },
  });
}

/** Turns absolute paths and file URLs inside the app folder into app-relative paths. */
function relativizePaths(appDir: string, text: string): string {
  const root = appDir.endsWith(path.sep) ? appDir : appDir + path.sep;
  return text.replaceAll(pathToFileURL(root).href, '').replaceAll(root, '');
}

/**
 * `Name: first line of the message (file:line, ...)`, where the locations are the app's own
 * frames (the failing line of a syntax error, then the stack) — never node internals, the
 * host's files or node_modules.
 */
export function describeLoadError(appDir: string, err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  const firstLine = relativizePaths(appDir, err.message.split('\n')[0] ?? '').trim();
  const head = `${err.name}${code && err.name !== code ? ` [${code}]` : ''}: ${firstLine}`;
  const locations: string[] = [];
  const root = appDir.endsWith(path.sep) ? appDir : appDir + path.sep;
  const locationPattern = /(file:\/\/[^\s()]+?|\/[^\s():]+?):(\d+)(?::\d+)?/g;
  for (const match of (err.stack ?? '').matchAll(locationPattern)) {
    let file = match[1]!;
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    if (!file.startsWith(root) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const location = `${relativeTo(appDir, file)}:${match[2]}`;
    if (!locations.includes(location)) locations.push(location);
    if (locations.length === 3) break;
  }
  return locations.length > 0 ? `${head} (${locations.join(', ')})` : head;
}

export interface LoadedApp {
  entryPoints: EntryPoint[];
}

/**
 * Imports every entry point into this process. Registration happens as a side effect, into
 * `core`. Throws AppLoadError naming the file and the cause when an import fails, and when
 * the app registered no function at all.
 */
export async function loadApp(appDir: string, core: FunctionsCore, appCode: AppCode = 'source'): Promise<LoadedApp> {
  const entryPoints = resolveEntryPoints(appDir, readMain(appDir), appCode);
  if (appCode === 'built') {
    refuseAppTypeScript(appDir);
  } else {
    installTsExtensionFallback();
    // Stack traces of the app point at its TypeScript lines (and at the sources of a dist with maps).
    enableSourceMaps();
    installTypeScriptCompiler();
  }
  for (const entry of entryPoints) {
    core.currentEntryPoint = entry.file;
    try {
      await import(pathToFileURL(entry.file).href);
    } catch (err) {
      throw new AppLoadError(`Could not load ${entry.relative}: ${describeLoadError(appDir, err)}`, entry.relative, {
        cause: err,
      });
    } finally {
      core.currentEntryPoint = undefined;
    }
  }
  if (core.functions.size === 0) {
    throw new AppLoadError(
      `No functions were registered by ${entryPoints.map((e) => e.relative).join(', ')}. ` +
        'Register them with app.http(...), app.generic(...) etc. from "@azure/functions" in the files named by "main".',
    );
  }
  if (!core.programmingModel) {
    throw new AppLoadError(
      'The app registered functions but no programming model; is "@azure/functions" v4 installed?',
    );
  }
  return { entryPoints };
}
