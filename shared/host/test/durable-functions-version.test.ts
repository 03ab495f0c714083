// durable-functions before 3.3.1 calls util.isDate, which Node 23 removed: the host says so in
// one line at start-up, with the fix, when the app's installed version and this Node disagree.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { durableFunctionsNodeProblem } from '../src/durable-functions-version.ts';
import { spawnHost } from '../src/spawn-host.ts';
import { PING_FUNCTION, repoRoot } from './helpers.ts';

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

/** An app folder whose node_modules holds a stub durable-functions of `version` (and the repo's @azure). */
function appWithDurableFunctions(version: string | undefined): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-df-version-'));
  folders.push(dir);
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(repoRoot, 'node_modules', '@azure'), path.join(dir, 'node_modules', '@azure'), 'dir');
  if (version !== undefined) {
    fs.mkdirSync(path.join(dir, 'node_modules', 'durable-functions'));
    fs.writeFileSync(
      path.join(dir, 'node_modules', 'durable-functions', 'package.json'),
      JSON.stringify({ name: 'durable-functions', version, main: 'lib/src/index.js' }),
    );
  }
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'df-version', type: 'module', main: 'src/functions/*.ts' }),
  );
  fs.writeFileSync(path.join(dir, 'host.json'), JSON.stringify({ version: '2.0' }));
  fs.mkdirSync(path.join(dir, 'src', 'functions'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'src', 'functions', 'ping.ts'), PING_FUNCTION);
  return dir;
}

const WARNING =
  /^durable-functions 3\.2\.0 \(node_modules\/durable-functions\) calls util\.isDate, which Node 23 removed: on this Node \(24\.1\.0\) every context\.df\.createTimer will fail with "\(0 , util_1\.isDate\) is not a function"\. Install durable-functions 3\.3\.1 or later \(npm install durable-functions@\^3\.3\.1\), which uses util\.types\.isDate\.$/;

describe('durable-functions that calls util.isDate', () => {
  it('is named, with the fix, for 3.0.0 to 3.3.0 on Node 23 or later', () => {
    const app = appWithDurableFunctions('3.2.0');
    expect(durableFunctionsNodeProblem(app, '24.1.0')).toMatch(WARNING);
    for (const version of ['3.0.0', '3.1.0', '3.3.0']) {
      expect(durableFunctionsNodeProblem(appWithDurableFunctions(version), '23.0.0'), version).toContain(
        `durable-functions ${version} `,
      );
    }
  });

  it('is not mentioned for 3.3.1 or later, on Node 22, or when durable-functions is not installed', () => {
    for (const version of ['3.3.1', '3.5.0', '4.0.0'])
      expect(durableFunctionsNodeProblem(appWithDurableFunctions(version), '24.1.0'), version).toBeUndefined();
    expect(durableFunctionsNodeProblem(appWithDurableFunctions('3.2.0'), '22.12.0')).toBeUndefined();
    expect(durableFunctionsNodeProblem(appWithDurableFunctions(undefined), '24.1.0')).toBeUndefined();
  });

  it('is said in one line at start-up by a host on Node 23 or later', async () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(23);
    const host = await spawnHost({ appDir: appWithDurableFunctions('3.2.0'), port: 0 });
    try {
      const lines = host
        .logs()
        .split('\n')
        .filter((line) => line.includes('calls util.isDate'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(
        `durable-functions 3.2.0 (node_modules/durable-functions) calls util.isDate, which Node 23 removed: on this Node (${process.versions.node})`,
      );
      expect(lines[0]).toContain('Install durable-functions 3.3.1 or later');
    } finally {
      await host.stop();
    }
  });
});
