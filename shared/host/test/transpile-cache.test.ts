// The app's compiled TypeScript is kept on disk between worker starts, keyed on what changes the
// output: a second start reads it instead of compiling, a saved file is compiled afresh.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnHost } from '../src/index.ts';
import { TranspileCache } from '../src/worker/transpile-cache.ts';
import { compileTypeScriptFile, precompile, prepareToCompile } from '../src/worker/typescript-loader.ts';
import { fileURLToPath } from 'node:url';
import { tempApp, type TempApp } from './helpers.ts';

const folders: string[] = [];
const apps: TempApp[] = [];
afterAll(() => {
  for (const app of apps.splice(0)) app.remove();
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

function cacheFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-ts-cache-'));
  folders.push(folder);
  return folder;
}

/** The compiled files in the cache (not the compiler options, nor what a test recorded there). */
function entriesIn(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json') && !f.startsWith('options') && !f.startsWith('modules-'));
}

describe('the key of a compiled file', () => {
  const inputs = {
    compilerVersion: '5.9.3',
    file: '/a/src/lib/usage.ts',
    options: { target: 9 },
    esm: true,
    text: 'export const a = 1;',
  };

  it('is the same for the same file in another folder (its source map names only the base name)', () => {
    expect(TranspileCache.key({ ...inputs, file: '/b/src/lib/usage.ts' })).toBe(TranspileCache.key(inputs));
  });

  it('changes with the text, the base name, the options, the format and the compiler', () => {
    const key = TranspileCache.key(inputs);
    for (const changed of [
      { text: 'export const a = 2;' },
      { file: '/a/src/lib/quota.ts' },
      { options: { target: 7 } },
      { esm: false },
      { compilerVersion: '5.8.0' },
    ])
      expect(TranspileCache.key({ ...inputs, ...changed }), JSON.stringify(changed)).not.toBe(key);
  });
});

describe('the cache on disk', () => {
  it('gives back what was put, misses an unknown or unreadable entry, and keeps nothing when off', () => {
    const cache = new TranspileCache(cacheFolder());
    cache.set('ab12', { source: 'export {};', format: 'module' });
    expect(cache.get('ab12')).toEqual({ source: 'export {};', format: 'module' });
    expect(cache.get('ab13')).toBeUndefined();
    fs.writeFileSync(path.join(cache.folder!, 'ab', '12.json'), '{"source": 1');
    expect(cache.get('ab12')).toBeUndefined();

    const off = new TranspileCache('off');
    off.set('ab12', { source: 'export {};', format: 'module' });
    expect(off.folder).toBeUndefined();
    expect(off.get('ab12')).toBeUndefined();
  });

  const helloApp = () => {
    const app = tempApp({
      'package.json': JSON.stringify({ name: 'cached', type: 'module', main: 'dist/src/functions/*.js' }),
      'host.json': JSON.stringify({ version: '2.0' }),
      'src/functions/hello.ts': `import { app } from '@azure/functions';
const greeting: string = 'compiled';
app.http('hello', { methods: ['GET'], authLevel: 'anonymous', handler: async () => ({ body: greeting }) });
`,
    });
    apps.push(app);
    return app;
  };
  const answer = async (app: TempApp, folder: string) => {
    const host = await spawnHost({ appDir: app.dir, port: 0, env: { WORKSHOP_TYPESCRIPT_CACHE: folder } });
    try {
      return await (await fetch(`${host.url}/api/hello`)).text();
    } finally {
      await host.stop();
    }
  };
  /** What a start runs is the entry, not a new compilation: an entry changed by hand shows. */
  const tamperWith = (folder: string) => {
    const [entry, ...others] = entriesIn(folder);
    expect(others, 'one entry per TypeScript file').toEqual([]);
    const file = path.join(folder, entry!);
    const cached = JSON.parse(fs.readFileSync(file, 'utf8')) as { source: string };
    fs.writeFileSync(
      file,
      JSON.stringify({ ...cached, source: cached.source.replace("'compiled'", "'from the cache'") }),
    );
  };

  it("serves a worker's second start from the cache, and compiles a saved file again", async () => {
    const folder = cacheFolder();
    const app = helloApp();
    expect(await answer(app, folder)).toBe('compiled');
    tamperWith(folder);
    expect(await answer(app, folder)).toBe('from the cache');

    const source = path.join(app.dir, 'src/functions/hello.ts');
    fs.writeFileSync(source, fs.readFileSync(source, 'utf8').replace("'compiled'", "'saved'"));
    expect(await answer(app, folder)).toBe('saved');
    expect(entriesIn(folder)).toHaveLength(2);
  });

  it('is filled ahead of the first start (npm install does it for the labs): that start compiles nothing', async () => {
    const folder = cacheFolder();
    const app = helloApp();
    const files = ['package.json', 'host.json', 'src/functions/hello.ts'].map((file) => path.join(app.dir, file));
    expect(precompile(files, new TranspileCache(folder))).toBe(1);
    tamperWith(folder);
    expect(await answer(app, folder)).toBe('from the cache');
    expect(entriesIn(folder)).toHaveLength(1);
  });

  /** Starts the app's host once; whether its worker loaded the compiler, and what the app answered. */
  const startRecorded = async (app: TempApp, folder: string) => {
    const out = fs.mkdtempSync(path.join(folder, 'modules-'));
    const host = await spawnHost({
      appDir: app.dir,
      port: 0,
      env: { WORKSHOP_TYPESCRIPT_CACHE: folder, NODE_OPTIONS: `--import ${recorder}`, RECORD_MODULES_DIR: out },
    });
    let answer: string;
    try {
      answer = await (await fetch(`${host.url}/api/hello`)).text();
    } finally {
      await host.stop();
    }
    for (const file of fs.readdirSync(out)) {
      const record = JSON.parse(fs.readFileSync(path.join(out, file), 'utf8')) as { argv: string[]; loaded: string[] };
      if (record.argv.some((arg) => arg.endsWith('worker-main.ts')))
        return { answer, compiler: record.loaded.some((url) => url.includes('/node_modules/typescript/')) };
    }
    throw new Error(`No worker recorded its modules in ${out}`);
  };

  it('lets a worker whose files are all in the cache start without loading the compiler, until a tsconfig.json it extends changes', async () => {
    const folder = cacheFolder();
    const app = helloApp();
    fs.writeFileSync(path.join(app.dir, 'tsconfig.json'), JSON.stringify({ extends: './tsconfig.base.json' }));
    fs.writeFileSync(
      path.join(app.dir, 'tsconfig.base.json'),
      JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', outDir: 'dist', rootDir: '.' } }),
    );
    expect(await startRecorded(app, folder)).toEqual({ answer: 'compiled', compiler: true });
    expect(await startRecorded(app, folder)).toEqual({ answer: 'compiled', compiler: false });

    // Another target changes the JavaScript: the options are read again, and the file compiled again.
    fs.writeFileSync(
      path.join(app.dir, 'tsconfig.base.json'),
      JSON.stringify({ compilerOptions: { target: 'es2017', module: 'nodenext', outDir: 'dist', rootDir: '.' } }),
    );
    expect(await startRecorded(app, folder)).toEqual({ answer: 'compiled', compiler: true });
    expect(entriesIn(folder)).toHaveLength(2);
  });
});

describe('a worker in standby (npm run lab -- --watch)', () => {
  const standbyApp = () => {
    const app = tempApp({
      'package.json': JSON.stringify({ name: 'standby', type: 'module' }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'es2022', module: 'esnext' } }),
      'src/lib/first.ts': 'export const first = (xs?: number[]) => xs?.[0];\n',
    });
    apps.push(app);
    return { app, file: path.join(app.dir, 'src/lib/first.ts') };
  };

  it("compiles the app's files while it waits", () => {
    const folder = cacheFolder();
    const { app, file } = standbyApp();
    prepareToCompile(app.dir, new TranspileCache(folder));
    expect(entriesIn(folder), 'in the disk cache before the app loads').toHaveLength(1);
    expect(compileTypeScriptFile(file, new TranspileCache(folder)).source).toContain('xs?.[0]');
  });

  it('forgets what it compiled when a tsconfig.json changes before the app loads', () => {
    const folder = cacheFolder();
    const { app, file } = standbyApp();
    prepareToCompile(app.dir, new TranspileCache(folder));
    // The learner lowers the target while the worker waits: optional chaining is compiled away.
    // The new file is longer too: a kernel with coarse file times (one tick: 1–10 ms) may give
    // it the same mtime as the old one, and a learner's save is never that quick.
    fs.writeFileSync(
      path.join(app.dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'es2019', module: 'esnext', strict: true } }),
    );
    const { source } = compileTypeScriptFile(file, new TranspileCache(folder));
    expect(source, 'compiled for es2019').not.toContain('?.');
    expect(source).toContain('void 0');
  });
});

const recorder = fileURLToPath(new URL('./fixtures/record-modules.mjs', import.meta.url));
