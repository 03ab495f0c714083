import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Core Tools reads app settings from local.settings.json, which holds secrets in real
 * projects and so is never committed. Each app ships local.settings.example.json instead;
 * this makes the working copy when it is missing, and never overwrites a learner's own.
 */
export function ensureLocalSettings(appDir: string): boolean {
  const target = join(appDir, 'local.settings.json');
  const example = join(appDir, 'local.settings.example.json');
  if (existsSync(target) || !existsSync(example)) return false;
  copyFileSync(example, target);
  return true;
}
