// The host runs from a bundle of its modules (host-bundle.ts, issue #14): each bundled module
// keeps its own import.meta, a change to any of them makes a new bundle, and the setting `off`
// (or a folder where no bundle can be made) runs the sources.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, freshBundle, HOST_BUNDLE_SETTING, hostEntryPoint } from '../src/host-bundle.ts';
import { cacheFolder } from '../src/disk-cache.ts';

let dir: string;
let entry: string;
let folder: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'host-bundle-'));
  entry = join(dir, 'main.ts');
  folder = join(dir, 'cache');
  writeFileSync(
    entry,
    `import { where } from './where.ts';
     const later: { where: () => string } = await import('./later.ts');
     console.log(JSON.stringify({ main: import.meta.main, url: import.meta.url, where: where(), later: later.where() }));`,
  );
  writeFileSync(
    join(dir, 'where.ts'),
    `export const where = (): string => import.meta.url + ' ' + String(import.meta.main) + ' ' + import.meta.dirname;`,
  );
  writeFileSync(join(dir, 'later.ts'), `export const where = (): string => 'later v1 ' + import.meta.filename;`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (file: string) =>
  JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' })) as Record<string, unknown>;

describe('the host bundle', () => {
  it('keeps every module’s import.meta as when it runs unbundled', async () => {
    const main = await bundle({ entry, folder });
    expect(dirname(main).startsWith(folder), main).toBe(true);
    expect(run(main)).toEqual({
      main: true,
      url: pathToFileURL(entry).href,
      where: `${pathToFileURL(join(dir, 'where.ts')).href} false ${dir}`,
      later: `later v1 ${join(dir, 'later.ts')}`,
    });
    expect(freshBundle({ entry, folder })).toBe(main);
  });

  it('is made again when a module it was made from changes, lazily imported ones included', async () => {
    const before = await bundle({ entry, folder });
    const later = join(dir, 'later.ts');
    writeFileSync(later, `export const where = (): string => 'later v2 ' + import.meta.filename;`);
    utimesSync(later, new Date(), new Date(Date.now() + 5000));
    expect(freshBundle({ entry, folder })).toBeUndefined();
    const after = await bundle({ entry, folder });
    expect(after).not.toBe(before);
    expect(run(after).later).toBe(`later v2 ${later}`);
    // The older bundle's folder is still whole, for a host that was started from it.
    expect(run(before).later).toBe(`later v1 ${later}`);
  });

  it('is what hosts run, unless the setting is off', () => {
    const host = hostEntryPoint({});
    expect(host.startsWith(cacheFolder('workshop-host')!), host).toBe(true);
    expect(host.endsWith('cli.mjs')).toBe(true);
    expect(hostEntryPoint({ [HOST_BUNDLE_SETTING]: 'off' })).toBe(
      fileURLToPath(new URL('../src/cli.ts', import.meta.url)),
    );
  });

  it('is left out, and the sources run, where it cannot be made', () => {
    // A file where the cache folder should be: nothing can be written under it.
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, '');
    const sources = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    expect(hostEntryPoint({ [HOST_BUNDLE_SETTING]: join(blocked, 'cache') })).toBe(sources);
    expect(hostEntryPoint({ [HOST_BUNDLE_SETTING]: join(blocked, 'cache') })).toBe(sources);
  });
});
