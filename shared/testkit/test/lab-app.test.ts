import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePorts, SHARED_AZURITE_ENV, startSharedAzurite } from '@workshop/azurite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLabApp, type LabApp } from '../src/index.ts';
import { startLabAppOnce } from '../src/lab-app.ts';

const durableApp = fileURLToPath(new URL('../../host/test/durable/fixtures/durable-app', import.meta.url));
const crashyApp = fileURLToPath(new URL('./fixtures/crashy-app', import.meta.url));

async function start(path: string, input: unknown, app: LabApp): Promise<string> {
  const res = await app.fetch(path, {
    method: 'POST',
    body: JSON.stringify(input),
    headers: { 'content-type': 'application/json' },
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

describe('startLabApp', () => {
  let app: LabApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('measures the payloads of an instance, large-message blobs included', async () => {
    app = await startLabApp({ dir: durableApp, clock: 'auto' });
    const small = await start('/api/orchestrators/helloSequence', null, app);
    await app.waitForCompletion(small);
    const smallReport = await app.payloads(small);
    expect(smallReport.largeMessages).toEqual([]);
    expect(
      smallReport.payloads.some(
        (p) => p.eventType === 'TaskCompleted' && p.name === 'sayHello' && p.field === 'Result',
      ),
    ).toBe(true);
    expect(smallReport.largest!.bytes).toBeLessThan(1024);

    const big = await start('/runtime/webhooks/durabletask/orchestrators/bigPayload', null, app);
    expect((await app.waitForCompletion(big)).runtimeStatus).toBe('Completed');
    const report = await app.payloads(big);
    const result = report.payloads.find(
      (p) => p.eventType === 'TaskCompleted' && p.name === 'makeBig' && p.field === 'Result',
    );
    expect(result?.bytes).toBeGreaterThan(100 * 1024);
    expect(result?.blob?.name).toMatch(/-Result\.json\.gz$/);
    expect(report.largest!.bytes).toBeGreaterThanOrEqual(result!.bytes);
    expect(report.largeMessages.length).toBeGreaterThan(0);
  });

  it('runs an orchestration to completion and shows its History rows', async () => {
    app = await startLabApp({ dir: durableApp });
    const id = await start('/api/orchestrators/helloSequence', null, app);
    const status = await app.waitForCompletion(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello Cairo']);
    const scheduled = (await app.history(id)).filter((row) => row.EventType === 'TaskScheduled');
    expect(scheduled.map((row) => row.Name)).toEqual(['sayHello', 'sayHello', 'sayHello']);
  });

  it('skips time under the auto clock: a one-hour timer fires at exactly start + 1 h', async () => {
    app = await startLabApp({ dir: durableApp, clock: 'auto' });
    const id = await start('/api/orchestrators/sleeper', null, app);
    const { output } = await app.waitForCompletion(id);
    const { started, woke } = output as { started: string; woke: string };
    expect(new Date(woke).getTime() - new Date(started).getTime()).toBe(60 * 60 * 1000);
  });

  it('moves the virtual clock only when told', async () => {
    app = await startLabApp({ dir: durableApp, clock: 'virtual' });
    const before = await app.clock.now();
    const after = await app.clock.advance(90_000);
    expect(after.getTime() - before.getTime()).toBe(90_000);
  });

  it('restarts a killed host, and the orchestration completes from its checkpoint', async () => {
    app = await startLabApp({ dir: durableApp });
    const id = await start('/api/orchestrators/slowSequence', null, app);
    const deadline = Date.now() + 15_000;
    while (!(await app.history(id)).some((row) => row.EventType === 'TaskCompleted') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await app.restartHost({ kill: true });
    const status = await app.waitForCompletion(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual([0, 1, 2, 3, 4, 5]);
    expect(app.logs()).toContain('killed (SIGKILL)');
  });

  it('ends the leases a host held when the lab 09 switch crashed it: its work item runs again once the host is back, not a lease later', async () => {
    // A lease of a minute: without the test kit ending it, each of the three crashes (one per
    // sayHello task) would hold the job for a minute, far past the wait below.
    app = await startLabApp({
      dir: durableApp,
      env: { WORKSHOP_DURABLE_CRASH_AFTER_ACTIVITY: 'sayHello', WORKSHOP_DURABLE_LEASE_MS: '60000' },
    });
    const id = await start('/api/orchestrators/helloSequence', null, app);
    // As lab 09's check waits: a status request that a crash cuts off is asked again.
    const deadline = Date.now() + 20_000;
    let output: unknown;
    while (output === undefined && Date.now() < deadline) {
      const status = await app.status(id).catch(() => undefined);
      if (status?.runtimeStatus === 'Completed') output = status.output;
      else await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(output, 'the output, 20 s after the start').toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello Cairo']);
    expect(app.logs().match(/--- host crashed \(exit SIGKILL\)/g)).toHaveLength(3);
    // The work item, and the orchestration's message when its delete had not reached storage yet.
    expect(app.logs().match(/--- the leases the crashed host held ended at once \([12]\)/g)).toHaveLength(3);
  });

  it('names the crash when the app kills its worker process, which the host restarts as the Functions host does', async () => {
    app = await startLabApp({ dir: crashyApp, storage: 'unreachable' });
    const error = await app.fetch('/api/crash').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /worker process exited while answering GET \/api\/crash; the host started a new one/,
    );
    expect((error as Error).message).toContain('boom from the app');
    expect(await (await app.fetch('/api/ok')).text()).toBe('ok');
  });
});

describe('startLabApp when Azurite cannot start', () => {
  it("ends the host's start at once with Azurite's reason, instead of letting it wait a minute for storage", async () => {
    // CI saw it: another process took one of Azurite's ports between the choice and the bind.
    // The retry on other ports must come before the checks' 60 s hook timeout.
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const [queuePort, tablePort] = await freePorts(2);
      await expect(startLabAppOnce({ dir: durableApp }, [port, queuePort!, tablePort!])).rejects.toThrow(
        /already in use/,
      );
    } finally {
      taken.close();
    }
  });
});

describe('startLabApp beside a shared Azurite (the lab runner starts one per run)', () => {
  it('gives each app an empty account of its own in it, and leaves it running when the app stops', async () => {
    const shared = startSharedAzurite({ accounts: 4 });
    vi.stubEnv(SHARED_AZURITE_ENV, shared.env[SHARED_AZURITE_ENV]!);
    try {
      const first = await startLabApp({ dir: durableApp, seed: true });
      await first.stop();
      const second = await startLabApp({ dir: durableApp });
      try {
        expect(first.connectionString).toContain(`:${new URL((await shared.ready).blobEndpoint).port}/run0`);
        expect(second.connectionString).toContain('/run1');
        const seeded = [];
        for await (const c of first.blobs.listContainers()) seeded.push(c.name);
        expect(seeded).toContain('samples');
        const containers = [];
        for await (const c of second.blobs.listContainers()) containers.push(c.name);
        expect(containers).not.toContain('samples');
        const id = await start('/api/orchestrators/helloSequence', null, second);
        expect((await second.waitForCompletion(id)).runtimeStatus).toBe('Completed');
      } finally {
        await second.stop();
      }
    } finally {
      vi.unstubAllEnvs();
      await shared.stop();
    }
  });
});
