import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findBrowser, NO_BROWSER_MESSAGE, type FoundBrowser } from '../shared/dashboard/browser-test/find-browser.ts';
import { repoRoot } from './lib/manifest.ts';
import { dim } from './lib/style.ts';

// `npm run test:browser`: the dashboard's and the docs site's tests in a real browser, any
// Chromium-family one the machine has. Without one they do not run, and that is not a failure:
// the workshop never downloads a browser. Arguments go on to vitest (a file name, `-t name`).

let browser: FoundBrowser | undefined;
try {
  browser = findBrowser();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
if (!browser) {
  console.log(NO_BROWSER_MESSAGE);
  process.exit(0);
}

console.log(dim(`browser: ${browser.name} (${browser.path})`));
// On this Node (the pinned 24), whatever node is first on PATH.
const vitest = spawnSync(
  process.execPath,
  [
    join(repoRoot, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--config',
    'vitest.browser.config.ts',
    ...process.argv.slice(2),
  ],
  { cwd: repoRoot, stdio: 'inherit' },
);
process.exit(vitest.status ?? 1);
