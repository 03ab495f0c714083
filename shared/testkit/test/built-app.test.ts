// A check run can ask for the built app (`npm test` does, for every solution built with tsc): the
// host serves dist/ as `func start` would, and the app's modules the checks import come from dist/.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLabApp, type LabApp } from '../src/index.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const answering = (body: string) =>
  `import { app } from '@azure/functions';\napp.http('which', { methods: ['GET'], authLevel: 'anonymous', handler: async () => ({ body: '${body}' }) });\n`;
const files: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'x', type: 'module', main: 'dist/src/functions/*.js' }),
  'tsconfig.json': JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: '.' }, include: ['src'] }),
  'src/functions/which.ts': answering('the TypeScript source'),
  'src/lib/names.ts': "export const from = 'the TypeScript source';\n",
  'dist/src/functions/which.js': answering('the built dist'),
  'dist/src/lib/names.js': "export const from = 'the built dist';\n",
};

describe('startLabApp on the built app', () => {
  let dir: string;
  let app: LabApp | undefined;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-testkit-'));
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), content);
    }
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    delete process.env.WORKSHOP_APP_CODE;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const served = async (lab: LabApp) => [
    await (await lab.fetch('/api/which')).text(),
    ((await lab.loadModule('src/lib/names.ts')) as { from: string }).from,
  ];

  it("serves dist/ and loads the app's modules from it with appCode: 'built'", async () => {
    app = await startLabApp({ dir, storage: 'unreachable', appCode: 'built' });
    expect(await served(app)).toEqual(['the built dist', 'the built dist']);
  });

  it('takes the choice from WORKSHOP_APP_CODE, as the checkpoint runner sets it', async () => {
    process.env.WORKSHOP_APP_CODE = 'built';
    app = await startLabApp({ dir, storage: 'unreachable' });
    expect(await served(app)).toEqual(['the built dist', 'the built dist']);
  });

  it('serves the TypeScript source by default', async () => {
    app = await startLabApp({ dir, storage: 'unreachable' });
    expect(await served(app)).toEqual(['the TypeScript source', 'the TypeScript source']);
  });
});
