// Shared by the host's tests: fixture folders, throw-away app folders, polling.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url));
}

export interface TempApp {
  dir: string;
  remove(): void;
}

/**
 * Writes an app folder under the system temp dir. Its node_modules links to the repo's, so
 * `@azure/functions` resolves as it does for the labs.
 */
export function tempApp(files: Record<string, string>): TempApp {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-host-'));
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A one-file app (`src/app.ts`) with the packages it depends on listed in package.json, as the
 * host prefetches and a worker in standby imports what package.json lists.
 */
export function tempAppWith(options: {
  dependencies: string[];
  app: string;
  hostJson?: Record<string, unknown>;
}): TempApp {
  return tempApp({
    'package.json': JSON.stringify({
      name: 'temp-app',
      type: 'module',
      main: 'src/*.ts',
      dependencies: Object.fromEntries(options.dependencies.map((name) => [name, '*'])),
    }),
    'host.json': JSON.stringify({ version: '2.0', ...options.hostJson }),
    'src/app.ts': options.app,
  });
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A minimal v4 app registering one GET function `ping` at /api/ping. */
export const PING_FUNCTION = `import { app } from '@azure/functions';
app.http('ping', { methods: ['GET'], authLevel: 'anonymous', handler: async () => ({ body: 'pong' }) });
`;
