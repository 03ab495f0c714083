// The classic entity scheduler in the engine: a signal to `@counter@key` starts the entity on
// its first message, each work item runs one batch and continues as new with the SchedulerState
// as input, stored as DTFx's Azure Storage provider stores it; the state survives a kill -9 of the
// host. (Orchestration calls and signals: entities-orchestration.test.ts.)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAzurite } from '@workshop/azurite';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import { EventType } from '../../src/durable/history.ts';
import { startAzurite } from './durable-helpers.ts';
import { hubStorage, readState, signal, startEntityHost, waitForState } from './entities-helpers.ts';

let azurite: RunningAzurite;
let host: SpawnedHost | undefined;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-entities-'));
  azurite = await startAzurite({ location: dir });
  host = await startEntityHost(azurite, { env: { WORKSHOP_DURABLE_LEASE_MS: '2000' } });
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the entity scheduler', () => {
  it('fires entity triggers: no "does not fire yet" warning for them', () => {
    expect(host!.logs()).not.toMatch(/Function 'counter' has an entityTrigger/);
  });

  it('a signal starts the entity and changes its state', async () => {
    expect(await readState(host!, 'counter', 'first')).toBeUndefined();
    expect((await signal(host!, 'counter', 'first', 'add', 5)).status).toBe(202);
    expect(await waitForState(host!, 'counter', 'first', (s) => s === 5)).toBe(5);
    expect((await signal(host!, 'Counter', 'first', 'add', 2)).status).toBe(202);
    expect(await waitForState(host!, 'counter', 'first', (s) => s === 7)).toBe(7);
  });

  it('is stored as the Azure Storage provider stores it: continue-as-new per batch, the SchedulerState as input', async () => {
    expect((await signal(host!, 'counter', 'stored', 'add', 3)).status).toBe(202);
    await waitForState(host!, 'counter', 'stored', (s) => s === 3);
    const storage = hubStorage(azurite);
    const history = await storage.loadHistory('@counter@stored');
    expect(history.events.map((e) => e.EventType)).toEqual([
      EventType.OrchestratorStarted,
      EventType.ExecutionStarted,
      EventType.OrchestratorCompleted,
    ]);
    const started = history.events[1]!;
    expect(started).toMatchObject({ Name: '@counter@stored', Version: '' });
    expect(JSON.parse(started.Input!)).toEqual({ exists: true, state: '3', sorter: {} });
    const row = await storage.getInstance('@counter@stored');
    expect(row).toMatchObject({
      name: '@counter@stored',
      runtimeStatus: 'Running',
      customStatus: '{"entityExists":true}',
      executionId: history.executionId,
    });
    expect(JSON.parse(row!.input!)).toEqual({ exists: true, state: '3', sorter: {} });
    // The next batch is a new execution, and the row's CreatedTime (the last operation time) moves on.
    expect((await signal(host!, 'counter', 'stored', 'add', 1)).status).toBe(202);
    await waitForState(host!, 'counter', 'stored', (s) => s === 4);
    const next = await storage.getInstance('@counter@stored');
    expect(next!.executionId).not.toBe(row!.executionId);
    expect(next!.createdTime.getTime()).toBeGreaterThanOrEqual(row!.createdTime.getTime());
  });

  it('keeps its state across a kill -9 of the host', async () => {
    expect((await signal(host!, 'counter', 'durable', 'add', 40)).status).toBe(202);
    await waitForState(host!, 'counter', 'durable', (s) => s === 40);
    const exited = new Promise((resolve) => host!.child.once('exit', resolve));
    host!.kill('SIGKILL');
    await exited;
    host = await startEntityHost(azurite, { env: { WORKSHOP_DURABLE_LEASE_MS: '2000' } });
    expect(await readState(host, 'counter', 'durable')).toBe(40);
    expect((await signal(host, 'counter', 'durable', 'add', 2)).status).toBe(202);
    expect(await waitForState(host, 'counter', 'durable', (s) => s === 42)).toBe(42);
  });
});
