import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The shared packages' and the commands' own tests. Lab checks run through the checkpoint
    // runner (`npm run lab:NN`), which points them at a lab folder.
    include: ['shared/*/test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
    // Checks start Azurite and the host; allow for a slow laptop, never for a sleep.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['./vitest.global-setup.ts'],
    // Most tests wait on the processes they start (Azurite, hosts, workers), not on the CPU:
    // four files at once halve the run on two cores (210 s → 105 s), six gain little more.
    maxWorkers: 4,
    // Each of the four processes runs file after file (94 files; starting a process per file
    // cost about 0.23 s each, 20–30 CPU-s in all, issue #14). A test that changes process.env
    // puts it back in its afterEach or finally, as every one here does.
    isolate: false,
  },
});
