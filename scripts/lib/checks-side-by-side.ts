// Several lab apps' checks in one Vitest run (issue #14): one project per app, with its own
// WORKSHOP_APP_DIR, `maxWorkers` at a time. The checks mostly wait on the processes they start
// (Azurite, the host, its worker), so apps side by side cost little more than one: on 2 cores,
// 11 built solutions took about 36 s at 4, 45 s at 3 and 121 s one by one.

import { relative } from 'node:path';
import { startSharedAzurite } from '@workshop/azurite';
import { createVitest, type Reporter } from 'vitest/node';
import { repoRoot, type Lab } from './manifest.ts';
import { CHECK_SETTINGS, collect, type ChecksRun } from './run-checks.ts';

export interface AppToCheck {
  lab: Lab;
  dir: string;
  /** `built`: the host serves the app's dist/ (after tsc), as `func start` does; default `source`. */
  appCode?: 'source' | 'built';
}

/** Runs each app's lab checks against it, side by side; one run per app, in order. */
export async function runChecksSideBySide(apps: readonly AppToCheck[], maxWorkers: number): Promise<ChecksRun[]> {
  let runs: ChecksRun[] = apps.map(() => ({
    checks: [],
    errors: [{ message: 'the checks did not run' }],
    passed: false,
  }));
  const reporter: Reporter = {
    onTestRunEnd(modules, unhandled) {
      runs = apps.map((_, index) =>
        collect(
          modules.filter((m) => m.project.name === `app-${index}`),
          unhandled,
        ),
      );
    },
  };
  // One Azurite for all of them, each start of an app in an account of its own (issue #14):
  // about a second of CPU saved per start, some ninety starts in npm test.
  const storage = startSharedAzurite();
  const vitest = await createVitest('test', {
    root: repoRoot,
    // The projects below are the whole run: vitest.config.ts would add its include (the shared
    // packages' tests) to each. Its timeouts and pool come in through CHECK_SETTINGS.
    config: false,
    watch: false,
    reporters: [reporter],
    maxWorkers,
    projects: apps.map(({ lab, dir, appCode }, index) => ({
      test: {
        ...CHECK_SETTINGS,
        name: `app-${index}`,
        include: [`labs/${lab.slug}/checks/**/*.check.ts`],
        env: { WORKSHOP_APP_DIR: relative(repoRoot, dir), WORKSHOP_APP_CODE: appCode ?? 'source', ...storage.env },
      },
    })),
  });
  try {
    await vitest.start();
  } finally {
    await vitest.close();
    await storage.stop();
  }
  return runs;
}
