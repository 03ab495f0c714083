import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The shared packages' own tests. Lab checks run through the checkpoint runner
    // (`npm run lab:NN`), which points them at a lab folder.
    include: ['shared/*/test/**/*.test.ts'],
    // Checks start Azurite and the host; allow for a slow laptop, never for a sleep.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
