import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from './lib/cli.ts';
import { repoRoot, UsageError } from './lib/manifest.ts';
import {
  lockfilePackages,
  missingFromCache,
  nodeBinaryPackage,
  ROOM_PLATFORMS,
  type Platform,
  type StickPackage,
} from './lib/stick-packages.ts';
import { bold, cyan, dim, green, red } from './lib/style.ts';

const usage = `Usage: npm run stick -- fill <folder> [--platforms ${ROOM_PLATFORMS.join(',')}]
       npm run stick -- check <folder> [--platforms …]
  fill   puts every package the room's platforms need into an npm cache in <folder> (the USB
         stick), from this one machine: the lockfile's packages, each platform's sharp and
         bundler binaries, and the Node 24 binary for each. Needs the network.
  check  says, per platform, whether the cache in <folder> holds all of them. Offline.`;

/** How many packages one `npm cache add` gets. */
const BATCH = 60;

/** npm itself: the one running this script, else the first on PATH. */
function npm(args: string[]): { ok: boolean; out: string } {
  const cli = process.env.npm_execpath;
  const result = cli?.endsWith('.js')
    ? spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    : spawnSync('npm', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, shell: process.platform === 'win32' });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

function registry(): string {
  return (
    process.env.npm_config_registry || npm(['config', 'get', 'registry']).out.trim() || 'https://registry.npmjs.org/'
  );
}

function parsePlatforms(text: string | undefined): Platform[] {
  if (!text) return [...ROOM_PLATFORMS];
  const platforms = text.split(',').map((p) => p.trim());
  const bad = platforms.filter((p) => !/^(win32|darwin|linux)-(x64|arm64)$/.test(p));
  if (bad.length > 0)
    throw new UsageError(`--platforms takes os-cpu pairs such as ${ROOM_PLATFORMS.join(',')}, not ${bad.join(', ')}.`);
  return platforms as Platform[];
}

/** Every package of the lockfile these platforms need. */
function wanted(platforms: readonly Platform[]): StickPackage[] {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as Parameters<
    typeof lockfilePackages
  >[0];
  return lockfilePackages(lock, platforms);
}

/**
 * The Node binary for each platform. Optional, as the `node` package is: npm has no build of some
 * versions for some platforms (none of 24.21.0 for macOS), and there the install goes on without it.
 */
function nodeBinaries(platforms: readonly Platform[]): StickPackage[] {
  const { optionalDependencies } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    optionalDependencies: Record<string, string>;
  };
  return platforms.map((p) => nodeBinaryPackage(p, optionalDependencies['node']!));
}

function fill(folder: string, platforms: readonly Platform[], from: string): number {
  for (const binary of nodeBinaries(platforms)) {
    const added = npm(['cache', 'add', `${binary.name}@${binary.version}`, '--cache', folder]);
    console.log(
      added.ok
        ? dim(`Node ${binary.version} for ${binary.platforms[0]}: ${binary.name}`)
        : `Node ${binary.version} for ${binary.platforms[0]}: npm has no ${binary.name}@${binary.version}. Learners on it install Node 24 LTS from nodejs.org first (put the installer on the stick).`,
    );
  }
  const packages = wanted(platforms);
  console.log(bold(`Filling ${folder} for ${platforms.join(', ')}: ${packages.length} packages from ${from}`));
  for (let i = 0; i < packages.length; i += BATCH) {
    const batch = packages.slice(i, i + BATCH);
    const added = npm(['cache', 'add', ...batch.map((p) => `${p.name}@${p.version}`), '--cache', folder]);
    if (!added.ok) {
      console.error(red(`npm cache add failed:\n${added.out.trim()}`));
      return 1;
    }
    console.log(dim(`  ${Math.min(i + BATCH, packages.length)} of ${packages.length}`));
  }
  return check(folder, platforms, from, packages);
}

function check(
  folder: string,
  platforms: readonly Platform[],
  from: string,
  packages: readonly StickPackage[] = wanted(platforms),
): number {
  if (!existsSync(folder))
    throw new UsageError(`${folder} does not exist: fill it first (npm run stick -- fill ${folder}).`);
  const listed = npm(['cache', 'ls', '--cache', folder]);
  if (!listed.ok) {
    console.error(red(`npm cache ls failed:\n${listed.out.trim()}`));
    return 1;
  }
  const keys = listed.out.split('\n');
  const missing = missingFromCache(keys, from, packages);
  const binaries = missingFromCache(keys, from, nodeBinaries(platforms));
  let complete = true;
  for (const platform of platforms) {
    const needed = packages.filter((p) => p.platforms.length === 0 || p.platforms.includes(platform));
    const lacking = missing.filter((p) => p.platforms.length === 0 || p.platforms.includes(platform));
    const node = binaries.some((b) => b.platforms.includes(platform))
      ? ': no Node 24 binary, so learners on it need Node 24 LTS installed'
      : ', and Node 24';
    if (lacking.length === 0) console.log(`${green('✓')} ${platform}: all ${needed.length} packages${node}`);
    else {
      complete = false;
      const names = lacking.map((p) => `${p.name}@${p.version}`);
      console.log(
        `${red('✗')} ${platform}: ${lacking.length} of ${needed.length} missing: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`,
      );
    }
  }
  if (!complete) {
    const only = platforms.join(',') === ROOM_PLATFORMS.join(',') ? '' : ` --platforms ${platforms.join(',')}`;
    console.log(`\nFill it again with the network: ${cyan(`npm run stick -- fill ${folder}${only}`)}`);
    return 1;
  }
  console.log(
    `\nA learner installs from a copy of it, with no network:\n  ${cyan(`npm ci --offline --cache <the copy> --registry=${from}`)}`,
  );
  console.log(dim('npm keeps its cache by registry address: the same registry as the fill, or npm finds nothing.'));
  return 0;
}

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { platforms: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const [action, folder] = positionals;
  if ((action !== 'fill' && action !== 'check') || !folder || positionals.length > 2)
    throw new UsageError('Say fill or check, then the folder of the cache.');
  const platforms = parsePlatforms(values.platforms);
  // The folder as the learner typed it, from where npm run started (npm runs scripts in the repo).
  const at = resolve(process.env.INIT_CWD ?? process.cwd(), folder);
  // Asked once: outside npm run it is a process of its own.
  const from = registry();
  return action === 'fill' ? fill(at, platforms, from) : check(at, platforms, from);
}

runCli(main, usage);
