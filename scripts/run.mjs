// Every npm script starts here. Plain JavaScript on purpose: it must run on any Node, so that
// an unsuitable one gets a clear explanation instead of a cryptic failure on the first `.ts` file.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (!process.features.typescript) {
  // The `node` package is optional: npm has no build of the pinned Node for every platform (none
  // for macOS), and there the install goes on without it.
  const installed = existsSync(new URL('../node_modules/node/bin/node', import.meta.url));
  console.error(
    `The workshop's commands need Node.js 24 LTS (they run TypeScript directly); this is Node ${process.version}.\n` +
      (installed || process.platform !== 'darwin'
        ? '`npm install` puts Node 24 into node_modules, and npm runs every command on it. So:\n' +
          '  - run commands through npm (npm start, npm test, npm run lab:01), not with `node` directly;\n' +
          '  - if this message came from npm, run `npm install` again: Node 24 is missing from node_modules.\n' +
          'Or install Node 24 LTS yourself from https://nodejs.org.'
        : 'npm has no macOS build of the Node 24 that `npm install` puts into node_modules elsewhere, so on a Mac\n' +
          'install Node 24 LTS yourself from https://nodejs.org, then run `npm install` again.'),
  );
  process.exit(1);
}

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error('Usage: node scripts/run.mjs <script.ts> [arguments]');
  process.exit(2);
}
// V8's on-disk code cache, as the host and Azurite already use it, for the command and every
// process it starts (Vitest's, the checks'): a run of lab 05 takes 0.2 CPU-s less (issue #14).
process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), 'node-compile-cache');
module.enableCompileCache(process.env.NODE_COMPILE_CACHE);
const url = new URL(script, import.meta.url);
process.argv = [process.argv[0], fileURLToPath(url), ...args];
await import(url.href);
