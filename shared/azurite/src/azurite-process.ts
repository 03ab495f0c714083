/**
 * Runs Azurite's own command line (the arguments are Azurite's) with its databases saved within
 * about 100 ms of a change instead of 5 s (see save-often.ts). `startAzurite` starts this one
 * when the data is on disk.
 */
import { createRequire } from 'node:module';
import { saveOften, SAVE_INTERVAL_MS, type LokiConstructor } from './save-often.ts';

const require = createRequire(import.meta.url);
const azurite = require.resolve('azurite/dist/src/azurite.js');
// Azurite's own copy of LokiJS: the one its databases are made with.
const Loki = createRequire(azurite)('lokijs') as LokiConstructor;
saveOften(Loki, {
  intervalMs: Number(process.env.WORKSHOP_AZURITE_SAVE_MS ?? SAVE_INTERVAL_MS),
  onError: (error) => console.error(`Azurite could not save its data: ${error instanceof Error ? error.message : String(error)}`),
});
require(azurite);
