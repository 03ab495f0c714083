import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The dashboard's and the docs site's tests in a real browser (`npm run test:browser`). They
    // live apart from shared/*/test, so plain `vitest run` never needs a browser.
    include: ['shared/*/browser-test/**/*.test.ts', 'docs/browser-test/**/*.test.ts'],
    // Starting a browser and the servers it talks to is slow on a slow laptop, never a sleep.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One Azurite for every file's lab app, as for the shared packages' tests.
    globalSetup: ['./vitest.global-setup.ts'],
    // Each file starts its own browser (a few hundred MB): two at once is plenty on two cores.
    maxWorkers: 2,
  },
});
