// Supply-chain checks that run offline: package-lock.json is committed and says what every
// package.json says (so nobody changed a dependency without `npm install`), and every package
// that runs an install script has been approved by name in the root package.json's
// `allowScripts`.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fail, pass, type Finding } from './finding.ts';
import { repoRoot } from './manifest.ts';

interface Manifest {
  name?: string;
  version?: string;
  workspaces?: string[];
  allowScripts?: Record<string, boolean>;
  [field: string]: unknown;
}

interface LockEntry extends Manifest {
  link?: boolean;
  resolved?: string;
  hasInstallScript?: boolean;
}

interface Lockfile {
  lockfileVersion?: number;
  packages?: Record<string, LockEntry>;
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

export function lockfileCommitted(root = repoRoot): Finding {
  const name = 'package-lock.json is committed';
  try {
    execFileSync('git', ['ls-files', '--error-unmatch', 'package-lock.json'], { cwd: root, stdio: 'ignore' });
  } catch {
    return fail(name, 'git does not track package-lock.json: commit it, so every install resolves the same packages');
  }
  try {
    execFileSync('git', ['diff', '--quiet', 'HEAD', '--', 'package-lock.json'], { cwd: root, stdio: 'ignore' });
  } catch {
    return fail(name, 'package-lock.json has changes that are not committed');
  }
  return pass(name, 'tracked by git, no uncommitted changes');
}

/** Folders matched by the root's `workspaces` (npm's globs here are `dir/*`). */
function workspaceFolders(root: string, patterns: string[]): string[] {
  return patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return existsSync(join(root, pattern, 'package.json')) ? [pattern] : [];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, parent, entry.name, 'package.json')))
      .map((entry) => `${parent}/${entry.name}`);
  });
}

/**
 * What `npm ci` checks before it installs, without the network: the lockfile's copy of each
 * package.json (root and workspaces) has the same name, version and dependency ranges, every
 * workspace is linked, and every declared dependency has a locked package.
 */
export function lockfileInSync(root = repoRoot): Finding {
  const name = 'package-lock.json is in sync with package.json';
  const rootManifest = readJson<Manifest>(join(root, 'package.json'));
  const lock = readJson<Lockfile>(join(root, 'package-lock.json'));
  const packages = lock.packages ?? {};
  const problems: string[] = [];
  if ((lock.lockfileVersion ?? 0) < 2)
    problems.push(`lockfileVersion ${lock.lockfileVersion} has no "packages" section to compare`);

  const folders = ['', ...workspaceFolders(root, rootManifest.workspaces ?? [])];
  if (!isDeepStrictEqual(packages['']?.workspaces ?? [], rootManifest.workspaces ?? []))
    problems.push('the workspaces differ');
  for (const folder of folders) {
    const manifest = folder === '' ? rootManifest : readJson<Manifest>(join(root, folder, 'package.json'));
    const label = folder === '' ? 'package.json' : `${folder}/package.json`;
    const entry = packages[folder];
    if (!entry) {
      problems.push(`${label} is not in the lockfile`);
      continue;
    }
    if (folder !== '') {
      if (entry.name !== manifest.name || entry.version !== manifest.version)
        problems.push(`${label}: name or version differs`);
      const link = manifest.name ? packages[`node_modules/${manifest.name}`] : undefined;
      if (!link?.link || link.resolved !== folder)
        problems.push(`${label}: the workspace is not linked as node_modules/${manifest.name}`);
    }
    for (const field of DEPENDENCY_FIELDS) {
      const declared = (manifest[field] as Record<string, string> | undefined) ?? {};
      if (!isDeepStrictEqual(declared, entry[field] ?? {})) problems.push(`${label}: ${field} differ`);
      for (const dependency of Object.keys(declared)) {
        const nested = folder === '' ? undefined : packages[`${folder}/node_modules/${dependency}`];
        if (!nested && !packages[`node_modules/${dependency}`] && field !== 'peerDependencies')
          problems.push(`${label}: ${dependency} has no locked package`);
      }
    }
  }
  const stale = Object.entries(packages).filter(
    ([key, entry]) => key !== '' && !key.includes('node_modules/') && !entry.link && !folders.includes(key),
  );
  for (const [key] of stale) problems.push(`the lockfile still has the workspace ${key}, which no longer exists`);

  if (problems.length > 0)
    return fail(
      name,
      `${problems.slice(0, 8).join('; ')}${problems.length > 8 ? `; and ${problems.length - 8} more` : ''}. Run npm install and commit package-lock.json.`,
    );
  return pass(
    name,
    `root and ${folders.length - 1} workspaces: names, versions and dependency ranges match, every dependency is locked`,
  );
}

/**
 * Every locked package with an install script is named in `allowScripts` (true: may run it;
 * false: reviewed and refused). The project's own folders (root, workspaces) are left out:
 * their scripts are reviewed with the code.
 */
export function installScriptsApproved(root = repoRoot): Finding {
  const name = 'install scripts approved in allowScripts';
  const allow = readJson<Manifest>(join(root, 'package.json')).allowScripts ?? {};
  const packages = readJson<Lockfile>(join(root, 'package-lock.json')).packages ?? {};
  const withScripts = new Set(
    Object.entries(packages)
      .filter(([key, entry]) => entry.hasInstallScript && key.includes('node_modules/'))
      .map(([key, entry]) => entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length)),
  );
  const unapproved = [...withScripts].filter((pkg) => !(pkg in allow)).sort();
  const stale = Object.keys(allow).filter((pkg) => !withScripts.has(pkg));
  const staleNote =
    stale.length > 0 ? `; allowScripts also names ${stale.join(', ')}, which no longer run install scripts` : '';
  if (unapproved.length > 0)
    return fail(
      name,
      `not approved: ${unapproved.join(', ')}. Review each one's install script, then add it to "allowScripts" in package.json (true or false)${staleNote}`,
    );
  const list = [...withScripts].sort().map((pkg) => `${pkg} (${allow[pkg] ? 'allowed' : 'refused'})`);
  return pass(
    name,
    `${list.length} package(s) with install scripts, all named: ${list.join(', ') || 'none'}${staleNote}`,
  );
}
