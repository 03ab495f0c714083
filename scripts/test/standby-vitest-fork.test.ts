// --watch keeps the next run's Vitest process started and waiting, with the packages the
// checks import already loaded (standby-vitest-fork.ts). A run takes it; no run takes a process
// another run has used.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { createVitest } from 'vitest/node';
import { checkImports } from '../lib/run-checks.ts';
import { standbyForks } from '../lib/standby-vitest-fork.ts';
import { eventually, repoRoot } from '../../shared/host/test/helpers.ts';

const dir = mkdtempSync(join(repoRoot, '.workshop', 'standby-fork-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs the checks after a save in the process started after the run before, with their packages loaded', async () => {
  const records = join(dir, 'runs.jsonl');
  writeFileSync(join(dir, 'preload.mjs'), 'globalThis.preloadedForTheChecks = true;\n');
  writeFileSync(
    join(dir, 'record.test.mjs'),
    `import { appendFileSync } from 'node:fs';
import { it } from 'vitest';
it('records its process', () => {
  appendFileSync(process.env.RECORDS, JSON.stringify({ pid: process.pid, preloaded: globalThis.preloadedForTheChecks === true }) + '\\n');
});
`,
  );
  const forks = standbyForks([pathToFileURL(join(dir, 'preload.mjs')).href]);
  const vitest = await createVitest('test', {
    root: dir,
    config: false,
    include: ['record.test.mjs'],
    pool: forks.pool,
    watch: false,
    reporters: [],
    env: { RECORDS: records },
  });
  const runs = () =>
    readFileSync(records, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { pid: number; preloaded: boolean });
  try {
    await vitest.start();
    forks.refill();
    const waiting = forks.waitingPid();
    expect(waiting).toBeTypeOf('number');
    await vitest.rerunTestSpecifications(await vitest.globTestSpecifications());
    // No refill: the next run starts a process of its own.
    await vitest.rerunTestSpecifications(await vitest.globTestSpecifications());
    await eventually(() => runs().length === 3, 10_000, 'three runs recorded');
    const [first, second, third] = runs();
    expect(first!.preloaded, 'the first run: Vitest started its process as usual').toBe(false);
    expect(second, 'the run after a refill: the waiting process, its packages loaded').toEqual({
      pid: waiting,
      preloaded: true,
    });
    expect(new Set([first!.pid, second!.pid, third!.pid]).size, 'three runs, three processes').toBe(3);
    expect(forks.waitingPid(), 'taken').toBeUndefined();
  } finally {
    await vitest.close();
    forks.stop();
  }
});

it('loads ahead what the test kit imports on its first use, for checks that import the test kit', () => {
  // The test kit imports the storage SDKs lazily (a cold check process starts the host first);
  // a run that found them unloaded paid about 0.13 s before its first check (issue #14).
  const testkit = join(repoRoot, 'shared/testkit/src');
  const lazy = new Set<string>();
  for (const file of readdirSync(testkit).filter(
    (f) => f.endsWith('.ts') && f !== 'lint-service.ts' && f !== 'lint.ts',
  )) {
    for (const [, specifier] of readFileSync(join(testkit, file), 'utf8').matchAll(/import\('([^'.][^']*)'\)/g)) {
      lazy.add(specifier!);
    }
  }
  expect([...lazy].sort(), 'the packages the test kit imports lazily').toEqual([
    '@azure/data-tables',
    '@azure/storage-blob',
  ]);
  const preloads = checkImports(["import { startLabApp } from '@workshop/testkit';"]);
  const preloadFile = preloads.find((url) => url.endsWith('/standby-preload.ts'));
  expect(preloadFile, `the standby process's imports: ${preloads.join(', ')}`).toBeDefined();
  const preloaded = readFileSync(new URL(preloadFile!), 'utf8');
  for (const specifier of lazy) expect(preloaded, 'standby-preload.ts').toContain(`import '${specifier}';`);
  expect(checkImports(["import sharp from 'sharp';"]), 'checks without the test kit').toHaveLength(1);
});
