/**
 * Runs Azurite's own command line (the arguments are Azurite's) answering each request only
 * once what it changed is on disk (see saved-answers.ts). `startAzurite` starts this one when
 * the data is on disk.
 */
import { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { holdAnswersUntilSaved, SavedDatabases, type LokiConstructor } from './saved-answers.ts';

const require = createRequire(import.meta.url);
const azurite = require.resolve('azurite/dist/src/azurite.js');
const databases = new SavedDatabases((error) =>
  console.error(`Azurite could not save its data: ${error instanceof Error ? error.message : String(error)}`),
);
// Azurite's own copy of LokiJS: the one its databases are made with.
databases.collect(createRequire(azurite)('lokijs') as LokiConstructor);
holdAnswersUntilSaved(ServerResponse.prototype, () => databases.whenSaved());
require(azurite);
