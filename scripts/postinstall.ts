import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { hostEntryPoint, precompile } from '@workshop/host';
import { posterImage, sampleImages } from '@workshop/samples';
import { appFiles } from './lib/app-files.ts';
import { ensureLocalSettings } from './lib/local-settings.ts';
import { repoRoot } from './lib/manifest.ts';

// Runs after `npm install`, on the Node 24 that the install just put in node_modules.

// The host's bundle (host-bundle.ts), made now rather than by the first host that starts.
hostEntryPoint();
const created: string[] = [];
const compiling = performance.now();
let compiled = 0;
for (const group of ['labs', 'solutions']) {
  for (const entry of readdirSync(join(repoRoot, group), { withFileTypes: true })) {
    const dir = join(repoRoot, group, entry.name);
    if (!entry.isDirectory()) continue;
    if (ensureLocalSettings(dir)) created.push(relative(repoRoot, dir));
    // The host's compiled-TypeScript cache, filled now: a lab's first verdict then compiles only what you change.
    compiled += precompile(appFiles(dir).map((file) => join(dir, file)));
  }
}
// The sample images the checks upload, drawn now and kept (drawn-cache.ts) for every check run after.
await sampleImages();
await posterImage();
// Two app folders per lab: the one you work in (labs/) and its solution (solutions/).
if (created.length > 0)
  console.log(
    `Created local.settings.json in ${created.length} app folders, labs/ and solutions/ (from local.settings.example.json).`,
  );
if (compiled > 0)
  console.log(
    `Compiled the TypeScript of labs/ and solutions/ and drew the sample images ahead of time (${compiled} files, ${((performance.now() - compiling) / 1000).toFixed(1)} s): each lab's first check run starts sooner.`,
  );

// npm itself runs on the system Node; when that is older than the workshop's, npm warned
// "EBADENGINE" above. Say plainly that it does not matter.
const systemNode =
  process.env.npm_config_node_version ?? process.env.npm_config_user_agent?.match(/node\/(v[\d.]+)/)?.[1];
if (systemNode && Number(systemNode.replace(/^v/, '').split('.')[0]) < 22) {
  console.log(
    `\nYour system Node is ${systemNode}; the workshop runs on Node ${process.versions.node}, which npm just installed\n` +
      'into node_modules. Every npm command (npm start, npm test, npm run lab:01) uses it, so any\n' +
      '"EBADENGINE" warnings above are harmless.',
  );
}
console.log('\nReady. Start with lab 01: read labs/01-http-trigger/README.md, then run `npm run lab:01`.');
