// The app's TypeScript is compiled as it loads, the way `tsc` compiles it: what Node's type
// stripping rejects loads, ESM and CommonJS apps run as built, stack traces name the .ts lines.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnHost, type SpawnedHost } from '../src/index.ts';
import { compileTypeScriptFile } from '../src/worker/typescript-loader.ts';
import { eventually, tempApp, type TempApp } from './helpers.ts';

const apps: TempApp[] = [];
const make = (files: Record<string, string>) => {
  const app = tempApp(files);
  apps.push(app);
  return app;
};
afterAll(() => {
  for (const app of apps.splice(0)) app.remove();
});

/**
 * An ESM app in the style of the official durable-functions TypeScript samples, with what
 * `tsc` compiles and Node cannot strip: a type imported without `import type`, enums,
 * a parameter property, a namespace, a decorator.
 */
const ESM_APP = {
  'package.json': JSON.stringify({ name: 'ts-esm', type: 'module', main: 'dist/src/functions/*.js' }),
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      module: 'nodenext',
      target: 'es2022',
      outDir: 'dist',
      rootDir: '.',
      experimentalDecorators: true,
      strict: true,
    },
  }),
  'src/lib/types.ts':
    'export interface Greeting {\n  text: string;\n}\nexport enum Mood {\n  Happy = "happy",\n  Calm = "calm",\n}\n',
  'src/functions/hello.ts': `import { app, HttpRequest, HttpResponseInit } from '@azure/functions';
import { ActivityHandler } from 'durable-functions';
import { Greeting, Mood } from '../lib/types.js';

enum Level {
  Low,
  High,
}

namespace Util {
  export const twice = (n: number): number => n * 2;
}

function logged(_target: object, _key: string, descriptor: PropertyDescriptor): PropertyDescriptor {
  return descriptor;
}

class Greeter {
  constructor(private readonly name: string) {}

  @logged
  greet(): Greeting {
    return { text: \`Hello, \${this.name}: \${Mood.Happy} \${Level[Level.High]} \${Util.twice(21)}\` };
  }
}

export const sayHello: ActivityHandler = (input: string): string => new Greeter(input).greet().text;

app.http('hello', {
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: async (req: HttpRequest): Promise<HttpResponseInit> => ({ body: String(sayHello(req.query.get('name') ?? 'you', undefined as never)) }),
});

app.http('fail', {
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: async (): Promise<HttpResponseInit> => {
    throw new Error('failing on purpose');
  },
});
`,
};
/** The line of `throw new Error('failing on purpose')` in src/functions/hello.ts. */
const THROW_LINE = ESM_APP['src/functions/hello.ts'].split('\n').findIndex((l) => l.includes('failing on purpose')) + 1;

/** A CommonJS app: no "type" in package.json, tsconfig module commonjs, extensionless imports. */
const COMMONJS_APP = {
  'package.json': JSON.stringify({ name: 'ts-cjs', main: 'dist/src/functions/*.js' }),
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      module: 'commonjs',
      target: 'es6',
      outDir: 'dist',
      rootDir: '.',
      sourceMap: true,
      strict: false,
    },
  }),
  'src/lib/greet.ts':
    'export enum Punctuation {\n  Bang = "!",\n}\nexport const greet = (name: string): string => `Hi ${name}${Punctuation.Bang}`;\n',
  'src/functions/hi.ts': `import { app, HttpRequest } from '@azure/functions';
import * as df from 'durable-functions';
import { greet } from '../lib/greet';

app.http('hi', {
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: async (req: HttpRequest) => ({
    jsonBody: { greeting: greet(req.query.get('name') ?? 'you'), module: typeof module, require: typeof require, df: typeof df.app.orchestration },
  }),
});
`,
};

describe('an ESM app with TypeScript that Node cannot strip', () => {
  let host: SpawnedHost;
  const lines: string[] = [];
  beforeAll(async () => {
    host = await spawnHost({ appDir: make(ESM_APP).dir, port: 0, onOutput: (line) => lines.push(line) });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('loads and runs it as tsc would compile it', async () => {
    const res = await fetch(`${host.url}/api/hello?name=Ada`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('Hello, Ada: happy High 42');
  });

  it('shows the .ts line in the stack of a failing function', async () => {
    const res = await fetch(`${host.url}/api/fail`);
    expect(res.status).toBe(500);
    const stack = await eventually(
      () => lines.find((l) => l.trimStart().startsWith('Stack: Error: failing on purpose')) && host.logs(),
      10_000,
      'the stack',
    );
    expect(stack).toMatch(
      new RegExp(
        `Stack: Error: failing on purpose\\n\\s+at handler \\(\\S+/src/functions/hello\\.ts:${THROW_LINE}:\\d+\\)`,
      ),
    );
  });
});

describe('a CommonJS app', () => {
  it('runs as CommonJS, with extensionless imports of its TypeScript files', async () => {
    const host = await spawnHost({ appDir: make(COMMONJS_APP).dir, port: 0 });
    try {
      const res = await fetch(`${host.url}/api/hi?name=Bob`);
      expect(await res.json()).toEqual({ greeting: 'Hi Bob!', module: 'object', require: 'function', df: 'function' });
    } finally {
      await host.stop();
    }
  });
});

describe('compiling one file', () => {
  const files: TempApp[] = [];
  afterEach(() => {
    for (const app of files.splice(0)) app.remove();
  });

  it('chooses ESM or CommonJS like Node: .mts, .cts, then package.json "type" and the tsconfig module', () => {
    const app = tempApp({
      'package.json': JSON.stringify({ name: 'x' }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'es2022' } }),
      'a.ts': 'export const a = 1;\n',
      'b.mts': 'export const b = 1;\n',
      'c.cts': 'export const c = 1;\n',
      'cjs/tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext' } }),
      'cjs/d.ts': 'export const d = 1;\n',
      'esm/package.json': JSON.stringify({ type: 'module' }),
      'esm/tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs' } }),
      'esm/e.ts': 'export const e = 1;\n',
    });
    files.push(app);
    const format = (f: string) => compileTypeScriptFile(path.join(app.dir, f)).format;
    expect(['a.ts', 'b.mts', 'c.cts', 'cjs/d.ts', 'esm/e.ts'].map(format)).toEqual([
      'module',
      'module',
      'commonjs',
      'commonjs',
      'module',
    ]);
  });

  it('emits an inline source map, and compiles a changed file again', () => {
    const app = tempApp({
      'package.json': JSON.stringify({ type: 'module' }),
      'a.ts': 'export const a: number = 1;\n',
    });
    files.push(app);
    const file = path.join(app.dir, 'a.ts');
    const first = compileTypeScriptFile(file).source;
    expect(first).toMatch(/^export const a = 1;$/m);
    expect(first).toMatch(/\/\/# sourceMappingURL=data:application\/json;base64,/);
    fs.writeFileSync(file, 'export const a: number = 22;\n');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(compileTypeScriptFile(file).source).toMatch(/^export const a = 22;$/m);
  });

  it('reports a syntax error with the file and line', () => {
    const app = tempApp({ 'package.json': JSON.stringify({ type: 'module' }), 'a.ts': 'export {};\n\nconst x = ;\n' });
    files.push(app);
    const file = path.join(app.dir, 'a.ts');
    let error: (Error & { code?: string }) | undefined;
    try {
      compileTypeScriptFile(file);
    } catch (err) {
      error = err as Error;
    }
    expect(error).toBeInstanceOf(SyntaxError);
    expect(error!.code).toBe('TS1109');
    expect(error!.stack).toContain(`${file}:3:11`);
  });
});
