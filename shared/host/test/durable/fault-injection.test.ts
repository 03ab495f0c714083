// WORKSHOP_DURABLE_CRASH_AFTER_ACTIVITY (lab 09): the host kills itself after an activity has
// run and before its result is sent, once per scheduled task; the work item comes back after
// its lease and the activity runs again on the restarted host (at least once).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAzurite } from '@workshop/azurite';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import {
  CRASH_AFTER_ACTIVITY_SETTING,
  crashAfterActivities,
  endNotedLeases,
  noteLeases,
  shouldCrashAfter,
} from '../../src/durable/fault-injection.ts';
import { startAzurite, startDurableHost, startOrchestration, waitForStatus } from './durable-helpers.ts';

describe('shouldCrashAfter', () => {
  it('reads the setting as a case-insensitive list, and crashes once per task', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-crash-markers-'));
    try {
      const names = crashAfterActivities({ [CRASH_AFTER_ACTIVITY_SETTING]: ' applyScale , other' });
      expect([...names]).toEqual(['applyscale', 'other']);
      expect(crashAfterActivities({}).size).toBe(0);
      const key = { hubName: 'TestHubName', instanceId: 'abc', executionId: 'e1', taskId: 0 };
      expect(shouldCrashAfter(names, 'somethingElse', key, dir)).toBe(false);
      expect(shouldCrashAfter(names, 'ApplyScale', key, dir)).toBe(true);
      expect(shouldCrashAfter(names, 'ApplyScale', key, dir)).toBe(false);
      expect(shouldCrashAfter(names, 'ApplyScale', { ...key, taskId: 1 }, dir)).toBe(true);
      expect(shouldCrashAfter(names, 'ApplyScale', { ...key, executionId: 'e2' }, dir)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('noteLeases', () => {
  it('appends one JSON line per lease, and writes nothing without a file or a lease', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-crash-leases-'));
    const file = path.join(dir, 'leases.jsonl');
    try {
      noteLeases(undefined, [{ queue: 'q', messageId: 'm', popReceipt: 'p' }]);
      noteLeases(file, []);
      expect(fs.existsSync(file)).toBe(false);
      noteLeases(file, [{ queue: 'testhubname-workitems', messageId: 'm1', popReceipt: 'p1' }]);
      noteLeases(file, [{ queue: 'testhubname-control-00', messageId: 'm2', popReceipt: 'p2' }]);
      expect(
        fs
          .readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line)),
      ).toEqual([
        { queue: 'testhubname-workitems', messageId: 'm1', popReceipt: 'p1' },
        { queue: 'testhubname-control-00', messageId: 'm2', popReceipt: 'p2' },
      ]);
      // No file (no crash since the last time): nothing to end, and no storage is asked.
      expect(await endNotedLeases(path.join(dir, 'none.jsonl'), 'UseDevelopmentStorage=true')).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe(`${CRASH_AFTER_ACTIVITY_SETTING} in a host`, () => {
  let azurite: RunningAzurite;
  let host: SpawnedHost | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-durable-fault-'));
    azurite = await startAzurite({ location: dir });
  });
  afterAll(async () => {
    await host?.stop();
    await azurite?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('kills the host after each sayHello task once; restarted, the instance completes and each task ran twice', async () => {
    const env = { WORKSHOP_DURABLE_LEASE_MS: '1000', [CRASH_AFTER_ACTIVITY_SETTING]: 'sayHello' };
    host = await startDurableHost(azurite, { env });
    expect(host.logs()).toContain(`${CRASH_AFTER_ACTIVITY_SETTING} is on`);
    const { id } = await startOrchestration(host, 'helloSequence');
    let logs = '';
    let crashes = 0;
    for (;;) {
      const current = host;
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        current.child.once('exit', (_code, signal) => resolve(signal)),
      );
      // Polling fails once the host is gone: then its exit decides.
      const done = waitForStatus(current, id, undefined, 30_000).then(
        (status) => ({ status }),
        () => exited.then((signal) => ({ signal })),
      );
      const first = await Promise.race([exited.then((signal) => ({ signal })), done]);
      if ('status' in first) {
        expect(first.status).toMatchObject({
          runtimeStatus: 'Completed',
          output: ['Hello Tokyo', 'Hello Seattle', 'Hello Cairo'],
        });
        logs += current.logs();
        break;
      }
      expect(first.signal).toBe('SIGKILL');
      crashes++;
      logs += current.logs();
      expect(crashes).toBeLessThanOrEqual(3);
      host = await startDurableHost(azurite, { env });
    }
    expect(crashes).toBe(3);
    expect(logs.match(/killing the host before its result is sent/g)).toHaveLength(3);
    expect(logs.match(/Executing 'Functions\.sayHello'/g)).toHaveLength(6);
  }, 90_000);
});
