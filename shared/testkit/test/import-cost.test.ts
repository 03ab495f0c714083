// Every lab check's process imports the test kit before its first check, on every run and on
// every save in watch mode (issue #14). What it needs to start a host and read a task hub is
// small; the host's own durable engine, its storage clients and sharp are not part of it.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const probe = fileURLToPath(new URL('./fixtures/loaded-modules.mjs', import.meta.url));

describe("importing the test kit, as a lab check's process does", () => {
  it('loads neither the durable engine nor the storage clients nor sharp: they load when used', () => {
    const loaded = JSON.parse(execFileSync(process.execPath, [probe], { encoding: 'utf8' })) as string[];
    const heavy = loaded.filter((url) =>
      /\/durable\/(engine|task-hub-storage)\.ts$|\/@azure\/(storage-queue|storage-blob|data-tables)\/|\/node_modules\/sharp\//.test(
        url,
      ),
    );
    expect(loaded.length, 'modules loaded').toBeGreaterThan(0);
    expect(heavy, 'modules a check process loads before it needs them').toEqual([]);
  });
});
