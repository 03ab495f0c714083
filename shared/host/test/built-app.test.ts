// appCode 'built' (`serve --built`): the host serves exactly the built JavaScript that package.json
// `main` names, as `func start` does after `npm run build`, never the TypeScript source.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtFileFor, resolveEntryPoints } from '../src/worker/app-loader.ts';
import { spawnHost } from '../src/index.ts';
import { repoRoot, tempApp, type TempApp } from './helpers.ts';

const apps: TempApp[] = [];
const make = (files: Record<string, string>) => {
  const app = tempApp(files);
  apps.push(app);
  return app;
};
afterEach(() => {
  for (const app of apps.splice(0)) app.remove();
});

const pkg = JSON.stringify({ name: 'x', type: 'module', main: 'dist/src/functions/*.js' });
const tsconfig = JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: '.' }, include: ['src'] });
const answering = (body: string) =>
  `import { app } from '@azure/functions';\napp.http('which', { methods: ['GET'], authLevel: 'anonymous', handler: async () => ({ body: '${body}' }) });\n`;

async function answerOf(appDir: string, appCode?: 'source' | 'built'): Promise<string> {
  const host = await spawnHost({ appDir, port: 0, ...(appCode ? { appCode } : {}) });
  try {
    return await (await fetch(`${host.url}/api/which`)).text();
  } finally {
    await host.stop();
  }
}

describe('entry points of the built app', () => {
  it('are exactly the files main names, even where the TypeScript source exists', () => {
    const app = make({
      'package.json': pkg,
      'tsconfig.json': tsconfig,
      'src/functions/a.ts': '',
      'src/functions/only-source.ts': '',
      'dist/src/functions/a.js': '',
    });
    expect(resolveEntryPoints(app.dir, undefined, 'built').map((e) => [e.relative, e.fromSource])).toEqual([
      ['dist/src/functions/a.js', false],
    ]);
  });

  it('say to build first when main matches nothing', () => {
    const app = make({ 'package.json': pkg, 'tsconfig.json': tsconfig, 'src/functions/a.ts': '' });
    expect(() => resolveEntryPoints(app.dir, undefined, 'built')).toThrow(
      'No files match "main" (dist/src/functions/*.js) in package.json, and the host serves the built app only: run `npm run build` (tsc) first.',
    );
  });

  it('map a source file to the file tsc builds from it', () => {
    const app = make({ 'package.json': pkg, 'tsconfig.json': tsconfig });
    expect(path.relative(app.dir, builtFileFor(app.dir, 'src/lib/names.ts'))).toBe('dist/src/lib/names.js');
  });
});

describe('serving the built app', () => {
  it('serves dist/ where it differs from the source, and the source without --built', async () => {
    const app = make({
      'package.json': pkg,
      'tsconfig.json': tsconfig,
      'src/functions/which.ts': answering('the TypeScript source'),
      'dist/src/functions/which.js': answering('the built dist'),
    });
    expect(await answerOf(app.dir, 'built')).toBe('the built dist');
    expect(await answerOf(app.dir)).toBe('the TypeScript source');
  });

  it('refuses a built file that imports TypeScript, as a deployment (no .ts files) would fail', async () => {
    const app = make({
      'package.json': pkg,
      'tsconfig.json': tsconfig,
      'src/lib/greet.ts': "export const greet = (): string => 'hi';\n",
      'dist/src/functions/which.js': `import { greet } from '../../../src/lib/greet.ts';\n${answering('x')}`,
    });
    const error = (await spawnHost({ appDir: app.dir, port: 0, appCode: 'built' }).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(
      /^Could not load dist\/src\/functions\/which\.js: Error \[ERR_BUILT_APP_IMPORTS_TYPESCRIPT\]: src\/lib\/greet\.ts is TypeScript: the built app must import only JavaScript/,
    );
  });

  it("runs what tsc builds with the workshop's tsconfig: .ts imports rewritten to .js, a JSON import from dist", async () => {
    const app = make({
      'package.json': pkg,
      'tsconfig.json': JSON.stringify({
        extends: path.join(repoRoot, 'tsconfig.base.json'),
        compilerOptions: { outDir: 'dist', rootDir: '.' },
        include: ['src'],
      }),
      'src/lib/greeting.json': JSON.stringify({ greeting: 'built and served' }),
      'src/lib/greet.ts':
        "import data from './greeting.json' with { type: 'json' };\nexport const greet = (): string => data.greeting;\n",
      'src/functions/which.ts': `import { app } from '@azure/functions';
import { greet } from '../lib/greet.ts';
app.http('which', { methods: ['GET'], authLevel: 'anonymous', handler: async () => ({ body: greet() }) });
`,
    });
    const tsc = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc')], {
      cwd: app.dir,
      encoding: 'utf8',
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(fs.readFileSync(path.join(app.dir, 'dist/src/functions/which.js'), 'utf8')).toContain(
      'from "../lib/greet.js"',
    );
    // The source changes after the build: the host must still serve what was built.
    fs.writeFileSync(path.join(app.dir, 'src/lib/greeting.json'), JSON.stringify({ greeting: 'the source' }));
    expect(await answerOf(app.dir, 'built')).toBe('built and served');
  });
});
