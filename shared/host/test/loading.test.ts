// How an app folder is found, loaded and rejected: main globs, dist → src mapping, load errors.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveEntryPoints, describeLoadError } from '../src/worker/app-loader.ts';
import { spawnHost } from '../src/index.ts';
import { eventually, PING_FUNCTION, tempApp, type TempApp } from './helpers.ts';

const apps: TempApp[] = [];
const make = (files: Record<string, string>) => {
  const app = tempApp(files);
  apps.push(app);
  return app;
};
afterEach(() => {
  for (const app of apps.splice(0)) app.remove();
});

const pkg = (main: string) => JSON.stringify({ name: 'x', type: 'module', main });
const tsconfig = JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: '.' }, include: ['src'] });

describe('entry points', () => {
  it('maps a dist glob to the TypeScript sources when there is no dist folder', () => {
    const app = make({
      'package.json': pkg('dist/src/functions/*.js'),
      'tsconfig.json': tsconfig,
      'src/functions/a.ts': PING_FUNCTION,
      'src/functions/b.ts': '',
      'src/lib/helper.ts': '',
    });
    expect(resolveEntryPoints(app.dir).map((e) => [e.relative, e.fromSource])).toEqual([
      ['src/functions/a.ts', true],
      ['src/functions/b.ts', true],
    ]);
  });

  it('prefers the source of a compiled file, and keeps compiled files that have no source', () => {
    const app = make({
      'package.json': pkg('dist/src/functions/*.js'),
      'tsconfig.json': tsconfig,
      'src/functions/a.ts': '',
      'dist/src/functions/a.js': '',
      'dist/src/functions/legacy.js': '',
    });
    expect(resolveEntryPoints(app.dir).map((e) => e.relative)).toEqual([
      'dist/src/functions/legacy.js',
      'src/functions/a.ts',
    ]);
  });

  it('follows outDir from an extended tsconfig and a rootDir of src', () => {
    const app = make({
      'package.json': pkg('build/functions/index.js'),
      'tsconfig.base.json': JSON.stringify({ compilerOptions: { outDir: 'build' } }),
      // comments and trailing commas are fine in tsconfig.json
      'tsconfig.json': '{ "extends": "./tsconfig.base.json", /* c */ "compilerOptions": { "rootDir": "src", }, }',
      'src/functions/index.ts': '',
    });
    expect(resolveEntryPoints(app.dir).map((e) => e.relative)).toEqual(['src/functions/index.ts']);
  });

  it('says when main matches nothing', () => {
    const app = make({ 'package.json': pkg('dist/src/functions/*.js'), 'tsconfig.json': tsconfig });
    expect(() => resolveEntryPoints(app.dir)).toThrow(/No files match "main" \(dist\/src\/functions\/\*\.js\)/);
  });

  it('says when package.json has no main', () => {
    const app = make({ 'package.json': JSON.stringify({ name: 'x' }) });
    expect(() => resolveEntryPoints(app.dir)).toThrow(/package\.json has no "main"/);
  });
});

describe('running an app from its sources', () => {
  it('serves a dist-mapped TypeScript app whose siblings are imported as .js', async () => {
    const app = make({
      'package.json': pkg('dist/src/functions/*.js'),
      'tsconfig.json': tsconfig,
      'src/lib/greet.ts': 'export const greet = (name: string): string => `Hi ${name}`;\n',
      'src/functions/hi.ts': `import { app, type HttpRequest } from '@azure/functions';
import { greet } from '../lib/greet.js';
app.http('hi', { methods: ['GET'], authLevel: 'anonymous', handler: async (req: HttpRequest) => ({ body: greet(req.query.get('name') ?? 'you') }) });
`,
    });
    const host = await spawnHost({ appDir: app.dir, port: 0 });
    try {
      const res = await fetch(`${host.url}/api/hi?name=Ada`);
      expect(await res.text()).toBe('Hi Ada');
    } finally {
      await host.stop();
    }
  });
});

describe('load errors', () => {
  it('names the file and the line of a syntax error', async () => {
    const app = make({
      'package.json': pkg('src/functions/*.ts'),
      'src/functions/ok.ts': PING_FUNCTION,
      'src/functions/broken.ts': "import { app } from '@azure/functions';\n\nconst x = ;\n",
    });
    const error = await spawnHost({ appDir: app.dir, port: 0 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'Could not load src/functions/broken.ts: SyntaxError [TS1109]: Expression expected. (src/functions/broken.ts:3)',
    );
  });

  it('points at the app frames of an error thrown while loading, not at the host', async () => {
    const app = make({
      'package.json': pkg('src/functions/*.ts'),
      'src/functions/main.ts': "import '../lib/config.ts';\n",
      'src/lib/config.ts':
        "export {};\nfunction need(name: string): never {\n  throw new Error(`Missing setting ${name}`);\n}\nneed('API_KEY');\n",
    });
    const error = (await spawnHost({ appDir: app.dir, port: 0 }).catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      'Could not load src/functions/main.ts: Error: Missing setting API_KEY (src/lib/config.ts:3, src/lib/config.ts:5)',
    );
    expect(error.message).not.toMatch(/shared\/host|node:internal/);
  });

  it('points at the TypeScript line of an error thrown while loading, after code that tsc expands', async () => {
    const app = make({
      'package.json': pkg('src/*.ts'),
      'src/a.ts': "enum Color {\n  Red,\n  Green,\n}\nexport const c = Color.Red;\nthrow new Error('bad config');\n",
    });
    const error = (await spawnHost({ appDir: app.dir, port: 0 }).catch((e: Error) => e)) as Error;
    expect(error.message).toBe('Could not load src/a.ts: Error: bad config (src/a.ts:6)');
  });

  it('shows paths relative to the app for a missing package', async () => {
    const app = make({ 'package.json': pkg('src/*.ts'), 'src/a.ts': "import 'left-pad-that-does-not-exist';\n" });
    const error = (await spawnHost({ appDir: app.dir, port: 0 }).catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      "Could not load src/a.ts: Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'left-pad-that-does-not-exist' imported from src/a.ts",
    );
  });

  it('says when no function was registered', async () => {
    const app = make({ 'package.json': pkg('src/*.ts'), 'src/empty.ts': 'export const nothing = 1;\n' });
    const error = (await spawnHost({ appDir: app.dir, port: 0 }).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/^No functions were registered by src\/empty\.ts\./);
  });

  it('refuses a worker runtime other than node', async () => {
    const app = make({
      'package.json': pkg('src/*.ts'),
      'src/a.ts': PING_FUNCTION,
      'local.settings.json': JSON.stringify({
        IsEncrypted: false,
        Values: { FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated' },
      }),
    });
    const error = (await spawnHost({ appDir: app.dir, port: 0 }).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(
      /FUNCTIONS_WORKER_RUNTIME is "dotnet-isolated", but this host runs only Node\.js apps/,
    );
  });

  it('describes errors without a stack in the app', () => {
    expect(describeLoadError('/app', new TypeError('bad thing'))).toMatch(/^TypeError: bad thing/);
    expect(describeLoadError('/app', 'a string')).toBe('a string');
  });
});

describe('settings', () => {
  it('reads local.settings.json Values, and the environment wins', async () => {
    const app = make({
      'package.json': pkg('src/*.ts'),
      'local.settings.json':
        '{ "IsEncrypted": false, "Values": { "FUNCTIONS_WORKER_RUNTIME": "node", "GREETING": "from file", "FIXTURE_COLOUR": "blue" } }',
      'src/a.ts': `import { app } from '@azure/functions';
app.http('settings', { methods: ['GET'], authLevel: 'anonymous', handler: async () => ({ jsonBody: { greeting: process.env.GREETING, color: process.env.FIXTURE_COLOUR } }) });
`,
    });
    const host = await spawnHost({ appDir: app.dir, port: 0, env: { GREETING: 'from env' } });
    try {
      expect(await (await fetch(`${host.url}/api/settings`)).json()).toEqual({ greeting: 'from env', color: 'blue' });
    } finally {
      await host.stop();
    }
  });

  it('honours host.json routePrefix', async () => {
    const app = make({
      'package.json': pkg('src/*.ts'),
      'host.json': JSON.stringify({ version: '2.0', extensions: { http: { routePrefix: '' } } }),
      'src/a.ts': PING_FUNCTION,
    });
    const host = await spawnHost({ appDir: app.dir, port: 0 });
    try {
      expect(host.functions[0]!.url).toBe(`${host.url}/ping`);
      expect(await (await fetch(`${host.url}/ping`)).text()).toBe('pong');
      expect((await fetch(`${host.url}/api/ping`)).status).toBe(404);
    } finally {
      await host.stop();
    }
  });
});

describe('the host process', () => {
  it('stops on SIGTERM and exits cleanly', async () => {
    const app = make({ 'package.json': pkg('src/*.ts'), 'src/a.ts': PING_FUNCTION });
    const host = await spawnHost({ appDir: app.dir, port: 0 });
    const exit = new Promise<number | null>((resolve) => host.child.once('exit', (code) => resolve(code)));
    host.kill('SIGTERM');
    expect(await exit).toBe(0);
    await expect(fetch(`${host.url}/api/ping`)).rejects.toThrow();
  });

  it('prints console output of the app with timestamps, like the host does with worker output', async () => {
    const app = make({
      'package.json': pkg('src/*.ts'),
      'src/a.ts': `import { app } from '@azure/functions';
console.log('loaded at import');
app.http('say', { methods: ['GET'], authLevel: 'anonymous', handler: async () => { console.log('said from handler'); return { body: 'ok' }; } });
`,
    });
    const lines: string[] = [];
    const host = await spawnHost({ appDir: app.dir, port: 0, onOutput: (line) => lines.push(line) });
    try {
      await fetch(`${host.url}/api/say`);
      await eventually(
        () => lines.some((l) => /^\[\d{4}-[^\]]+\] said from handler$/.test(l)),
        5000,
        'the console line',
      );
      expect(lines.some((l) => /^\[\d{4}-[^\]]+\] loaded at import$/.test(l))).toBe(true);
    } finally {
      await host.stop();
    }
  });

  it('reports a port in use like func start', async () => {
    const app = make({ 'package.json': pkg('src/*.ts'), 'src/a.ts': PING_FUNCTION });
    const first = await spawnHost({ appDir: app.dir, port: 0 });
    try {
      const error = (await spawnHost({ appDir: app.dir, port: first.port }).catch((e: Error) => e)) as Error;
      expect(error.message).toBe(
        `Port ${first.port} is unavailable. Close the process using that port, or specify another port using --port [-p].`,
      );
    } finally {
      await first.stop();
    }
  });

  it('leaves no trace of the app folder outside it', () => {
    // The entry-point resolution is read-only: nothing was written next to the sources.
    const app = make({
      'package.json': pkg('dist/src/functions/*.js'),
      'tsconfig.json': tsconfig,
      'src/functions/a.ts': '',
    });
    resolveEntryPoints(app.dir);
    expect(fs.existsSync(path.join(app.dir, 'dist'))).toBe(false);
  });
});
