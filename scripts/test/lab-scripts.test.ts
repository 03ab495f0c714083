// Every verdict, hint and guide tells the learner to run `npm run lab:NN`: each lab of the
// manifest needs that script in package.json (labs 12 and 13 once shipped without it).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest, repoRoot } from '../lib/manifest.ts';

const scripts = (
  JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

describe('npm run lab:NN', () => {
  it.each(readManifest().map((lab) => [lab.id]))('lab %s has its script', (id) => {
    expect(scripts[`lab:${id}`]).toBe(`node scripts/run.mjs lab.ts ${id}`);
  });
});
