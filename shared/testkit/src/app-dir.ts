import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: shared/testkit/src → ../../.. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The app folder the checks run against. The checkpoint runner sets WORKSHOP_APP_DIR to the
 * learner's `labs/NN-*` folder, or to `solutions/NN-*` with `--solution`.
 */
export function labAppDir(): string {
  const dir = process.env.WORKSHOP_APP_DIR;
  if (!dir) {
    throw new Error(
      'WORKSHOP_APP_DIR is not set. Run the checks with `npm run lab:NN`, which points them at your lab folder.',
    );
  }
  const absolute = isAbsolute(dir) ? dir : resolve(repoRoot, dir);
  if (!existsSync(absolute)) throw new Error(`The app folder ${dir} does not exist.`);
  return absolute;
}

/**
 * What the host serves of that folder: `source` (its TypeScript, the default) or `built` (exactly
 * the built JavaScript its package.json `main` names, as `func start` does). `npm test` sets
 * WORKSHOP_APP_CODE=built to run a lab's checks against a solution built with `tsc`.
 */
export function labAppCode(): 'source' | 'built' {
  const code = process.env.WORKSHOP_APP_CODE ?? 'source';
  if (code !== 'source' && code !== 'built') {
    throw new Error(`WORKSHOP_APP_CODE must be source or built, not "${code}".`);
  }
  return code;
}
