// The host's own code and the SDKs it uses, bundled into a few files and kept in
// node_modules/.cache (issue #14). A host then starts on half the CPU: most of its start was
// loading 517 modules one by one (0.33 CPU-s); from the bundle it takes about 0.15. `npm test`
// starts some 250 hosts.
//
// Only the host is bundled. The app's worker still loads the app's packages from the app's
// folder, as the real Node worker does. Every file that went into the bundle is stamped (mtime
// and size): when one changes, the next host start bundles again. When bundling is not possible
// (no bundler, no writable cache, WORKSHOP_HOST_BUNDLE=off), the host runs from its sources.

import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cacheFolder, stampsOf, unchanged, writeWhole, type Stamp } from './disk-cache.ts';

/**
 * Where the bundles live: a folder, or `off` to run the host from its TypeScript sources (stack
 * traces then name them). Default: node_modules/.cache/workshop-host.
 */
export const HOST_BUNDLE_SETTING = 'WORKSHOP_HOST_BUNDLE';

const HOST_CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

/** What a bundle folder's manifest records. */
interface Manifest {
  /** The entry file the bundle was made from. */
  entry: string;
  /** The bundle's entry file, in the bundle's folder. */
  main: string;
  /** Every file that went into the bundle, as it was then. */
  inputs: Stamp[];
}

export interface BundleOptions {
  /** The module to bundle (its imports, static and dynamic, follow it). */
  entry: string;
  /** Where the bundles and their manifest live. */
  folder: string;
}

/**
 * The file to run for the host CLI: its bundle when one is made and up to date (it is made now,
 * in a child process, when it is missing or stale), else `cli.ts` itself.
 */
export function hostEntryPoint(env: NodeJS.ProcessEnv = process.env): string {
  const folder = cacheFolder('workshop-host', env[HOST_BUNDLE_SETTING]);
  if (!folder) return HOST_CLI;
  const fresh = freshBundle({ entry: HOST_CLI, folder });
  if (fresh) return fresh;
  // One try per process: where it cannot be made (a read-only folder, no bundler for this
  // platform), every later start would wait for the same failure.
  if (bundlingFailed.has(folder)) return HOST_CLI;
  const made = bundleInChild({ entry: HOST_CLI, folder });
  if (!made) bundlingFailed.add(folder);
  return made ?? HOST_CLI;
}

const bundlingFailed = new Set<string>();

/** The bundle's entry file, if a bundle of `entry` is in `folder` and none of its inputs changed. */
export function freshBundle({ entry, folder }: BundleOptions): string | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile(folder), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.entry !== entry || !unchanged(manifest.inputs) || !fs.existsSync(manifest.main)) return undefined;
  return manifest.main;
}

/**
 * Bundles `entry` into a new folder under `folder`, then points the manifest at it. A folder is
 * never changed once written: a host already running from an older one still finds the chunks it
 * imports later. Two processes bundling at once each write a whole folder; the last manifest wins.
 */
export async function bundle({ entry, folder }: BundleOptions): Promise<string> {
  const { build } = await import('rolldown');
  const out = path.join(folder, `bundle-${randomUUID()}`);
  const result = await build({
    input: entry,
    platform: 'node',
    logLevel: 'silent',
    plugins: [keepModuleMeta(entry)],
    output: { dir: out, format: 'esm', entryFileNames: 'cli.mjs', sourcemap: true },
  });
  // The bundler and this file make the bundle too: a change to either makes it again.
  const inputs = new Set([fileURLToPath(import.meta.url), fileURLToPath(import.meta.resolve('rolldown'))]);
  for (const chunk of result.output) {
    if (chunk.type !== 'chunk') continue;
    for (const id of chunk.moduleIds) if (path.isAbsolute(id)) inputs.add(id);
  }
  const main = path.join(out, 'cli.mjs');
  const manifest: Manifest = { entry, main, inputs: stampsOf([...inputs].sort()) };
  writeWhole(manifestFile(folder), JSON.stringify(manifest));
  removeOldBundles(folder, out);
  return main;
}

/**
 * Each module's `import.meta` stays its own file's, as when it runs unbundled: the host finds
 * its worker, its dashboard's pages and the packages it resolves where they are, not in the
 * cache; and only the entry is the main module.
 */
function keepModuleMeta(entry: string) {
  return {
    name: 'keep-module-meta',
    transform(code: string, id: string) {
      if (!path.isAbsolute(id) || !code.includes('import.meta.')) return null;
      return code
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(id).href))
        .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(id)))
        .replaceAll('import.meta.filename', JSON.stringify(id))
        .replaceAll('import.meta.main', id === entry ? 'import.meta.main' : 'false');
    },
  };
}

function manifestFile(folder: string): string {
  return path.join(folder, 'manifest.json');
}

/** The bundler runs in a process of its own, so that a host can be started synchronously. */
function bundleInChild(options: BundleOptions): string | undefined {
  const script = fileURLToPath(import.meta.url);
  const run = spawnSync(process.execPath, [script, options.entry, options.folder], {
    stdio: 'ignore',
    timeout: 120_000,
  });
  return run.status === 0 ? freshBundle(options) : undefined;
}

/** Bundles older than a day, except the current one: a host runs for a workshop day at most. */
function removeOldBundles(folder: string, keep: string): void {
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of fs.readdirSync(folder)) {
    const dir = path.join(folder, name);
    if (!name.startsWith('bundle-') || dir === keep) continue;
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (stat && stat.mtimeMs < dayAgo) fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const [entry, folder] = process.argv.slice(2);
  if (!entry || !folder) {
    process.stderr.write('Usage: node shared/host/src/host-bundle.ts <entry.ts> <cache folder>\n');
    process.exit(2);
  }
  await bundle({ entry, folder });
}
