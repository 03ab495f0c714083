// Found by the newcomer walkthrough of issue #14: `npm start -- 05 -- --solution` (a second
// "--", by analogy with `npm run lab:05 -- --solution`) served the starter in silence, since
// Node's argument parser reads everything after "--" as words. Both commands now say so.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/manifest.ts';

function run(script: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts/run.mjs'), script, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('an option after a second "--"', () => {
  it.each([
    ['serve.ts', 'npm start -- 05 --solution'],
    ['lab.ts', 'npm run lab:05 -- --solution'],
  ])('%s refuses it and says how to write it', (script, fix) => {
    const { status, output } = run(script, ['05', '--', '--solution']);
    expect(status, output).toBe(2);
    expect(output).toContain('"--solution" came after a second "--"');
    expect(output).toContain(fix);
  });
});
