// --watch keeps the next run's Vitest process started and waiting, with the packages the
// checks import already loaded (standby-vitest-fork.ts). A run takes it; no run takes a process
// another run has used.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { createVitest } from 'vitest/node';
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
