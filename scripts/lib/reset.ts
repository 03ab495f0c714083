import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join, relative } from 'node:path';
import { appFiles } from './app-files.ts';
import { repoRoot, starterDir, type Lab } from './manifest.ts';

function git(args: string[]): void {
  const result = spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
}

/**
 * Puts the learner's lab folder back to the starter as committed, after copying their work to
 * .workshop/backups/, so a reset never loses anything. Returns the backup folder.
 */
export function resetLab(lab: Lab): string {
  const dir = starterDir(lab);
  const stamp = new Date()
    .toISOString()
    .replaceAll(':', '-')
    .replace(/\.\d+Z$/, 'Z');
  const backup = join(repoRoot, '.workshop', 'backups', `${lab.slug}-${stamp}`);
  for (const file of appFiles(dir)) cpSync(join(dir, file), join(backup, file), { recursive: true });
  const folder = relative(repoRoot, dir);
  git(['checkout', 'HEAD', '--', folder]);
  git(['clean', '--force', '-d', '--quiet', '--', folder]);
  return backup;
}
