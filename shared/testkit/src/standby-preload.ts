// What a check's process loads on its first use of the test kit, loaded ahead: `--watch` imports
// this in the process that waits for the next run (scripts/lib/standby-vitest-fork.ts). The test
// kit imports these storage SDKs lazily, so that a cold check process starts the app's host
// before it pays for them; a process that waits has nothing better to do.

import '@azure/storage-blob';
import '@azure/data-tables';
