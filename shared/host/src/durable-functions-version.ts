// A known break between the app's durable-functions and the Node that runs it, said once at
// start-up. durable-functions before 3.3.1 checks a timer's fireAt with `util.isDate`, which Node
// 23 removed (DEP0047, end of life in nodejs/node#52744): on Node 23 or later every
// `context.df.createTimer` throws, and the orchestration fails with nothing but
// `(0 , util_1.isDate) is not a function`. 3.3.1 (Azure/azure-functions-durable-js#695, published
// 2026-05-14) uses `util.types.isDate`. Every release before it has the call: 3.0.0 to 3.3.0 in
// CreateTimerAction.ts, 1.x and 2.x in createtimeraction.ts.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The first durable-functions release that no longer calls `util.isDate`. */
export const FIXED_IN = '3.3.1';

/** The first Node major without `util.isDate`. */
const NODE_WITHOUT_IS_DATE = 23;

function numbers(version: string): number[] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  return match ? match.slice(1, 4).map(Number) : undefined;
}

function below(version: number[], than: number[]): boolean {
  for (let i = 0; i < 3; i++) if (version[i] !== than[i]) return version[i]! < than[i]!;
  return false;
}

/** The app's installed durable-functions, as the app's own imports would find it; undefined when none. */
export function installedDurableFunctions(appDir: string): { version: string; packageJson: string } | undefined {
  let packageJson: string;
  try {
    packageJson = createRequire(path.join(path.resolve(appDir), 'package.json')).resolve(
      'durable-functions/package.json',
    );
  } catch {
    return undefined;
  }
  try {
    const { version } = JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? { version, packageJson } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The one line to say when the app's durable-functions calls `util.isDate` and this Node has
 * none; undefined when they get along (or durable-functions is not installed).
 */
export function durableFunctionsNodeProblem(appDir: string, nodeVersion = process.versions.node): string | undefined {
  const node = numbers(nodeVersion);
  if (!node || node[0]! < NODE_WITHOUT_IS_DATE) return undefined;
  const installed = installedDurableFunctions(appDir);
  const version = installed && numbers(installed.version);
  if (!installed || !version || !below(version, numbers(FIXED_IN)!)) return undefined;
  let root = path.resolve(appDir);
  try {
    root = fs.realpathSync(root); // resolve() answers with real paths
  } catch {
    // an app folder that cannot be read has no durable-functions either; keep the path as given
  }
  const where = path.relative(root, path.dirname(installed.packageJson)) || '.';
  return (
    `durable-functions ${installed.version} (${where}) calls util.isDate, which Node 23 removed: on this Node ` +
    `(${nodeVersion}) every context.df.createTimer will fail with "(0 , util_1.isDate) is not a function". ` +
    `Install durable-functions ${FIXED_IN} or later (npm install durable-functions@^${FIXED_IN}), which uses util.types.isDate.`
  );
}

/** package.json lists durable-functions (a hint for loading ahead, not a decision). */
export function dependsOnDurableFunctions(appDir: string): boolean {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    return ['dependencies', 'devDependencies'].some(
      (key) => typeof pkg[key] === 'object' && pkg[key] !== null && 'durable-functions' in pkg[key],
    );
  } catch {
    return false;
  }
}
