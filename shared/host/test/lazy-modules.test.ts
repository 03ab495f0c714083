// A host loads what its app uses (issue #14): the durable engine with its queue, table and blob
// clients, and the dashboard, only for an app with durable functions; the storage SDK for blob
// bindings on first use. An HTTP-only app's host starts without them.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimSharedAccount } from '@workshop/azurite';
import { spawnHost } from '../src/index.ts';
import { fixture } from './helpers.ts';

const recorder = fileURLToPath(new URL('./fixtures/record-modules.mjs', import.meta.url));
const durableApp = fileURLToPath(new URL('./durable/fixtures/durable-app', import.meta.url));
// The dashboard's path.ts (one constant) is the part of it a host without a task hub names.
const HEAVY =
  /\/durable\/(engine|task-hub-storage)\.ts$|\/@azure\/(storage-queue|storage-blob|data-tables)\/|\/dashboard\/src\/(?!path\.ts$)/;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'host-modules-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The modules the host process of `appDir` loaded, from its start to its stop. */
async function hostModules(appDir: string, env: Record<string, string> = {}): Promise<string[]> {
  const out = mkdtempSync(join(dir, 'run-'));
  const host = await spawnHost({
    appDir,
    port: 0,
    env: { ...env, NODE_OPTIONS: `--import ${recorder}`, RECORD_MODULES_DIR: out },
  });
  await host.stop();
  // The worker records its own modules too: the host is the one that ran cli.ts, or its bundle.
  for (const file of readdirSync(out)) {
    const record = JSON.parse(readFileSync(join(out, file), 'utf8')) as { argv: string[]; loaded: string[] };
    if (record.argv.some((arg) => /[/\\]cli\.(ts|mjs)$/.test(arg))) return record.loaded.flatMap(bundledSources);
  }
  throw new Error(`No host recorded its modules in ${out}`);
}

/** A chunk of the host's bundle (host-bundle.ts) stands for the source files its source map names. */
function bundledSources(url: string): string[] {
  if (!url.startsWith('file:') || !/\.m?js$/.test(url)) return [url];
  const file = fileURLToPath(url);
  let map: { sources: string[] };
  try {
    map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
  } catch {
    return [url];
  }
  return map.sources.map((source) => pathToFileURL(resolve(dirname(file), source)).href);
}

describe('what a host loads', () => {
  it('leaves out the durable engine, the storage clients and the dashboard for an HTTP-only app', async () => {
    const loaded = await hostModules(fixture('http-app'));
    expect(loaded.length, 'modules loaded').toBeGreaterThan(0);
    expect(loaded.filter((url) => HEAVY.test(url))).toEqual([]);
  });

  it('loads them for an app with durable functions', async () => {
    const account = await claimSharedAccount();
    const storage = account?.connectionString ?? 'UseDevelopmentStorage=true';
    const loaded = await hostModules(durableApp, { AzureWebJobsStorage: storage });
    for (const part of ['/durable/engine.ts', '/@azure/storage-queue/', '/dashboard/src/'])
      expect(
        loaded.some((url) => url.includes(part)),
        part,
      ).toBe(true);
  });
});
