import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyApp } from '../lib/app-files.ts';
import { findLab, readManifest, repoRoot, starterDir } from '../lib/manifest.ts';
import { runChecks } from '../lib/run-checks.ts';

const lab = findLab(readManifest(), '02');
const dir = join(repoRoot, '.workshop', 'test-lab02-step1-done');

describe("a check's hint follows the learner", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lab 02 with step 1 done (images registered, answering 501) no longer says to register it', async () => {
    copyApp(starterDir(lab), dir);
    appendFileSync(
      join(dir, 'src/functions/images.ts'),
      "\napp.http('images', { methods: ['GET'], authLevel: 'anonymous', handler: images });\n",
    );
    const run = await runChecks({ lab, appDir: dir });
    const first = run.checks.find((c) => c.title === lab.starterFails);
    expect(first?.state).toBe('failed');
    expect(first?.hint).toMatch(/^The function is registered\./);
    expect(first?.guide).toContain('#step-2-read-the-query-parameters');
  });
});
