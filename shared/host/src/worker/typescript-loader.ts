// Compiles the app's TypeScript files the way `tsc` would, as they are loaded. Node 24 only
// strips types, which rejects ordinary TypeScript that `tsc` compiles fine (a type imported
// without `import type`, enums, parameter properties, namespaces, decorators) — and Core Tools
// users run `tsc` first. So every `.ts`/`.mts`/`.cts` file outside node_modules goes through the
// compiler's `transpileModule` (one file at a time, no type checking), with the options of the
// nearest tsconfig.json that change the emitted JavaScript, and an inline source map so stack
// traces and breakpoints point at the `.ts` lines. Without the `typescript` package, Node's
// type stripping is left to do the job.

import fs from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TS from 'typescript';
import { stampsOf, unchanged, type Stamp } from '../disk-cache.ts';
import { TranspileCache } from './transpile-cache.ts';

type TypeScript = typeof TS;

let typescript: TypeScript | null | undefined;
const requireHere = module.createRequire(import.meta.url);

/** The `typescript` package as the host package resolves it, or null when it is not installed. */
export function loadTypeScript(): TypeScript | null {
  if (typescript === undefined) {
    // The compiler is a large script: Node's on-disk code cache halves its load time after the
    // first start (and helps the app's own packages too).
    module.enableCompileCache?.();
    try {
      typescript = requireHere('typescript') as TypeScript;
    } catch {
      typescript = null;
    }
  }
  return typescript;
}

let version: string | null | undefined;

/**
 * The installed compiler's version, from its package.json: a worker whose files are all in the
 * disk cache needs this, not the compiler (9 MB of JavaScript to load). Null when not installed.
 */
export function compilerVersion(): string | null {
  if (version === undefined) {
    try {
      const manifest = JSON.parse(fs.readFileSync(requireHere.resolve('typescript/package.json'), 'utf8')) as {
        version?: unknown;
      };
      version = typeof manifest.version === 'string' ? manifest.version : (loadTypeScript()?.version ?? null);
    } catch {
      version = loadTypeScript()?.version ?? null;
    }
  }
  return version;
}

const TS_FILE = /\.[mc]?ts$/;

/** Whether the host compiles the file at `url` (a TypeScript file of the app, not of a package). */
export function isAppTypeScript(url: string): boolean {
  return url.startsWith('file:') && TS_FILE.test(url) && !url.includes('/node_modules/');
}

// ----- module format: what Node will run the output as ---------------------------------------

const packageTypeCache = new Map<string, string | undefined>();

/**
 * Every package.json and tsconfig.json this process looked at (found or not) for what it keeps in
 * memory: a worker in standby checks them before it loads the app (prepareToCompile).
 */
const consulted = new Set<string>();

/** `type` of the nearest package.json (Node's rule for `.ts`/`.js` files). */
function packageType(dir: string): string | undefined {
  if (packageTypeCache.has(dir)) return packageTypeCache.get(dir);
  let type: string | undefined;
  const file = path.join(dir, 'package.json');
  consulted.add(file);
  if (fs.existsSync(file)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { type?: unknown };
      type = typeof pkg.type === 'string' ? pkg.type : 'commonjs';
    } catch {
      type = 'commonjs';
    }
  } else {
    const parent = path.dirname(dir);
    type = parent === dir ? undefined : packageType(parent);
  }
  packageTypeCache.set(dir, type);
  return type;
}

/**
 * ESM or CommonJS, as the compiled file would run: `.mts` is ESM and `.cts` CommonJS; a `.ts`
 * file is ESM under `"type": "module"`, and otherwise follows the tsconfig `module` (`commonjs`,
 * `node16`/`nodenext` → CommonJS; `es2015`…`esnext`, `preserve` → ESM, which Node then detects
 * in the emitted `.js`).
 */
function isEsmOutput(ts: TypeScript, file: string, options: TS.CompilerOptions): boolean {
  if (file.endsWith('.mts')) return true;
  if (file.endsWith('.cts')) return false;
  if (packageType(path.dirname(file)) === 'module') return true;
  const kind =
    options.module ??
    ((options.target ?? ts.ScriptTarget.ES5) >= ts.ScriptTarget.ES2015 ? ts.ModuleKind.ES2015 : ts.ModuleKind.CommonJS);
  return (kind >= ts.ModuleKind.ES2015 && kind <= ts.ModuleKind.ESNext) || kind === ts.ModuleKind.Preserve;
}

// ----- compiler options from the nearest tsconfig.json ---------------------------------------

interface ConfigEntry {
  options: TS.CompilerOptions;
  /** The tsconfig.json and every file its `extends` chain read (or looked for). */
  stamps: Stamp[];
}
const configCache = new Map<string, ConfigEntry>();

const configPathCache = new Map<string, string | undefined>();

function nearestTsconfig(dir: string): string | undefined {
  if (configPathCache.has(dir)) return configPathCache.get(dir);
  const candidate = path.join(dir, 'tsconfig.json');
  consulted.add(candidate);
  const parent = path.dirname(dir);
  const found = fs.existsSync(candidate) ? candidate : parent === dir ? undefined : nearestTsconfig(parent);
  configPathCache.set(dir, found);
  return found;
}

/** The compiler options of a tsconfig.json, `extends` followed; {} when it cannot be read. */
function tsconfigOptions(ts: TypeScript, configPath: string | undefined): ConfigEntry {
  if (!configPath) return { options: {}, stamps: [] };
  if (!fs.existsSync(configPath)) return { options: {}, stamps: [] };
  const cached = configCache.get(configPath);
  if (cached && unchanged(cached.stamps)) return cached;
  let options: TS.CompilerOptions = {};
  const files = new Set([configPath]);
  const readFile = (file: string) => {
    files.add(path.resolve(file));
    return ts.sys.readFile(file);
  };
  const read = ts.readConfigFile(configPath, readFile);
  if (!read.error) {
    // No need to list the project's files: a host whose readDirectory finds nothing.
    const host: TS.ParseConfigHost = {
      useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
      readDirectory: () => [],
      fileExists: ts.sys.fileExists,
      readFile,
    };
    options = ts.parseJsonConfigFileContent(read.config, host, path.dirname(configPath), undefined, configPath).options;
  }
  const entry = { options, stamps: stampsOf(files) };
  configCache.set(configPath, entry);
  return entry;
}

const NODE_MODULE_KINDS = new Set<number>();

/** The options for one file: the tsconfig's where they change the JavaScript, ours for the rest. */
export function compilerOptionsFor(
  ts: TypeScript,
  file: string,
): { options: TS.CompilerOptions; esm: boolean; stamps: Stamp[] } {
  const { options: base, stamps } = tsconfigOptions(ts, nearestTsconfig(path.dirname(file)));
  const esm = isEsmOutput(ts, file, base);
  if (NODE_MODULE_KINDS.size === 0) {
    for (const name of ['Node16', 'Node18', 'Node20', 'NodeNext', 'Preserve']) {
      const kind = (ts.ModuleKind as unknown as Record<string, number | undefined>)[name];
      if (kind !== undefined) NODE_MODULE_KINDS.add(kind);
    }
  }
  const options: TS.CompilerOptions = {
    target: base.target ?? ts.ScriptTarget.ES2022,
    module: esm ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS,
    // tsc turns esModuleInterop on by itself for module node16/nodenext/preserve.
    esModuleInterop: base.esModuleInterop ?? (base.module !== undefined && NODE_MODULE_KINDS.has(base.module)),
    experimentalDecorators: base.experimentalDecorators,
    emitDecoratorMetadata: base.emitDecoratorMetadata,
    useDefineForClassFields: base.useDefineForClassFields,
    strict: base.strict,
    alwaysStrict: base.alwaysStrict,
    preserveConstEnums: base.preserveConstEnums,
    jsx: ts.JsxEmit.None,
    // The app's own choices that would break loading the sources directly are left out:
    // imports stay as written (`./x.ts` is loaded as it is, `./x.js` is resolved to `x.ts`),
    // a type imported without `import type` is dropped as tsc drops it, helpers are inlined.
    verbatimModuleSyntax: false,
    rewriteRelativeImportExtensions: false,
    allowImportingTsExtensions: true,
    importHelpers: false,
    isolatedModules: true,
    inlineSourceMap: true,
    inlineSources: true,
    sourceMap: false,
    declaration: false,
    noEmit: false,
  };
  return { options, esm, stamps };
}

/**
 * compilerOptionsFor, kept on disk while the files they were read from are unchanged (the
 * tsconfig.json chain; which tsconfig.json and package.json apply is looked up afresh each time).
 */
function cachedCompilerOptionsFor(file: string, onDisk: TranspileCache): { options: TS.CompilerOptions; esm: boolean } {
  const key = TranspileCache.optionsKey({
    compilerVersion: compilerVersion()!,
    tsconfig: nearestTsconfig(path.dirname(file)),
    packageType: packageType(path.dirname(file)),
    extension: path.extname(file),
  });
  const cached = onDisk.getOptions(key);
  for (const [read] of cached?.stamps ?? []) consulted.add(read);
  if (cached) return { options: cached.options as TS.CompilerOptions, esm: cached.esm };
  const { options, esm, stamps } = compilerOptionsFor(loadTypeScript()!, file);
  for (const [read] of stamps) consulted.add(read);
  // Stored as JSON reads it back, so that the key of a compiled file is the same either way.
  onDisk.setOptions(key, { stamps, options: JSON.parse(JSON.stringify(options)) as Record<string, unknown>, esm });
  return { options, esm };
}

// ----- compiling -------------------------------------------------------------------------------

interface Compiled {
  mtimeMs: number;
  size: number;
  source: string;
  format: 'module' | 'commonjs';
}
const compiledCache = new Map<string, Compiled>();
/** Across processes: what earlier workers compiled (transpile-cache.ts). */
const transpileCache = new TranspileCache();

/** The package.json and tsconfig.json files prepareToCompile's work depends on, as they were then. */
let preparedOn: Stamp[] | undefined;

function forgetCompiled(): void {
  compiledCache.clear();
  packageTypeCache.clear();
  configPathCache.clear();
  configCache.clear();
}

/** A TypeScript syntax error with the file and line in its stack, like Node's own. */
function syntaxError(ts: TypeScript, diagnostic: TS.Diagnostic): SyntaxError {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const err = new SyntaxError(message) as SyntaxError & { code?: string };
  err.code = `TS${diagnostic.code}`;
  if (diagnostic.file && diagnostic.start !== undefined) {
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    err.stack = `SyntaxError: ${message}\n    at ${diagnostic.file.fileName}:${line + 1}:${character + 1}`;
  }
  return err;
}

/**
 * The JavaScript for a TypeScript file and the format to run it as; cached per file and mtime in
 * this process, and on disk by content for the next (transpile-cache.ts). The compiler is loaded
 * only for a file that is not in the cache.
 */
export function compileTypeScriptFile(
  file: string,
  onDisk: TranspileCache = transpileCache,
): { source: string; format: 'module' | 'commonjs' } {
  if (preparedOn) {
    // The first file after a standby: what it kept holds while its package.json and tsconfig.json files are as they were.
    if (!unchanged(preparedOn)) forgetCompiled();
    preparedOn = undefined;
  }
  const stat = fs.statSync(file);
  const cached = compiledCache.get(file);
  if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached;
  const text = fs.readFileSync(file, 'utf8');
  const { options, esm } = cachedCompilerOptionsFor(file, onDisk);
  const key = TranspileCache.key({ compilerVersion: compilerVersion()!, file, options, esm, text });
  let output = onDisk.get(key);
  if (!output) {
    const ts = loadTypeScript()!;
    const emitted = ts.transpileModule(text, { compilerOptions: options, fileName: file, reportDiagnostics: true });
    const error = emitted.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error && d.file);
    if (error) throw syntaxError(ts, error);
    output = { source: emitted.outputText, format: esm ? 'module' : 'commonjs' };
    onDisk.set(key, output);
  }
  const compiled: Compiled = { mtimeMs: stat.mtimeMs, size: stat.size, ...output };
  compiledCache.set(file, compiled);
  return compiled;
}

/**
 * Stack traces point at the original sources (the app's `.ts` lines, or the sources of a dist
 * built with source maps). Packages in node_modules keep their compiled frames, as without maps.
 */
export function enableSourceMaps(): void {
  if (typeof module.setSourceMapsSupport === 'function')
    module.setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
  else process.setSourceMapsEnabled(true);
}

let installed = false;

/**
 * From now on, every TypeScript file outside node_modules that this process loads (import or
 * require) is compiled with `transpileModule`. Returns false, and installs nothing, when the
 * `typescript` package cannot be found: Node's type stripping then loads the files.
 */
export function installTypeScriptCompiler(): boolean {
  if (installed) return true;
  if (!compilerVersion()) return false;
  installed = true;
  module.registerHooks({
    load(url, context, nextLoad) {
      if (!isAppTypeScript(url)) return nextLoad(url, context);
      const { source, format } = compileTypeScriptFile(fileURLToPath(url));
      return { format, source, shortCircuit: true };
    },
  });
  return true;
}

/**
 * A worker in standby (Azure's placeholder mode) gets its compiling done while it waits: the
 * compiler loaded and run once, and the app's TypeScript files as they are now compiled, or read
 * from the disk cache, into memory. A learner's save changes a file after this; when the app
 * loads, that file alone is compiled, by a compiler already warm. Otherwise every run after a
 * save loaded the compiler in each of its workers (0.1–0.2 s, two or three at once) before the
 * app's first file. If a package.json or tsconfig.json it read changes meanwhile, all it kept in
 * memory is forgotten when the app loads.
 */
export function prepareToCompile(appDir: string, onDisk: TranspileCache = transpileCache): void {
  const ts = compilerVersion() ? loadTypeScript() : null;
  if (!ts) return;
  ts.transpileModule('export const warm: number = 1;', { compilerOptions: {}, fileName: 'warm.ts' });
  const files = fs.globSync('**/*.{ts,mts,cts}', {
    cwd: appDir,
    exclude: (name) => path.basename(String(name)) === 'node_modules' || path.basename(String(name)).startsWith('.'),
  });
  precompile(
    files.map((file) => path.join(appDir, file)),
    onDisk,
  );
  preparedOn = stampsOf(consulted);
}

/**
 * Compiles TypeScript files into the disk cache ahead of time, as `npm install` does for the
 * labs' files: the first start of a lab's app then compiles only what the learner changed.
 * Returns how many it compiled; other files are passed over, and one that does not compile is
 * left for the worker to report.
 */
export function precompile(files: readonly string[], onDisk: TranspileCache = transpileCache): number {
  if (!compilerVersion()) return 0;
  let count = 0;
  for (const file of files) {
    if (!TS_FILE.test(file) || file.endsWith('.d.ts')) continue;
    try {
      compileTypeScriptFile(file, onDisk);
      count++;
    } catch {
      // A syntax error: the worker names it when it loads the file.
    }
  }
  return count;
}
