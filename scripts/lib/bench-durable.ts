import { join } from 'node:path';
import { startAzurite } from '@workshop/azurite';
import { spawnHost } from '@workshop/host/launcher';
import { repoRoot } from './manifest.ts';

// Throughput of the durable engine for one instance, in the scenarios of the Durable Functions
// "performance targets" page, beside the Azure Storage provider's published figures
// (learn.microsoft.com/azure/azure-functions/durable/durable-functions-azure-storage-provider,
// "Performance targets": sequential activities 5/s, fan-out 100/s, fan-in 150/s, external
// events 50/s, per instance; entity operation processing 64 operations per second, the scenario
// of durable-functions-perf-and-scale: how fast a single counter entity processes a constant
// stream of operations).

export interface Throughput {
  name: string;
  perSecond: number;
  published: number;
  /** The goal, as a multiple of the published figure (issue #14); none where no issue set one. */
  goal?: number;
}

interface Status {
  runtimeStatus: string;
  output: unknown;
}

const benchApp = join(repoRoot, 'scripts', 'bench', 'durable-app');

export async function benchDurable(
  counts = { sequence: 200, fanOut: 1000, events: 300, entityOperations: 1000 },
): Promise<Throughput[]> {
  const azurite = await startAzurite();
  const host = await spawnHost({ appDir: benchApp, port: 0, env: { AzureWebJobsStorage: azurite.connectionString } });
  const api = (path: string, init?: RequestInit) => fetch(new URL(path, host.url), init);

  async function start(scenario: string, count: number): Promise<string> {
    const res = await api(`/api/bench/${scenario}?count=${count}`, { method: 'POST' });
    if (res.status !== 202) throw new Error(`Starting ${scenario} answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  }

  // The status API's times have whole seconds (as in Azure): time with the wall clock instead.
  async function finished(id: string): Promise<Status & { finishedAt: number }> {
    for (;;) {
      const res = await api(`/runtime/webhooks/durabletask/instances/${id}`);
      const status = (await res.json()) as Status;
      if (status.runtimeStatus === 'Completed') return { ...status, finishedAt: Date.now() };
      if (['Failed', 'Terminated'].includes(status.runtimeStatus))
        throw new Error(`${id} ended ${status.runtimeStatus}: ${JSON.stringify(status.output)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const seconds = (from: number, to: number) => (to - from) / 1000;

  try {
    const results: Throughput[] = [];

    let began = Date.now();
    const sequence = await finished(await start('benchSequence', counts.sequence));
    results.push({
      name: 'sequential activities',
      perSecond: counts.sequence / seconds(began, sequence.finishedAt),
      published: 5,
      goal: 20,
    });

    began = Date.now();
    const fan = await finished(await start('benchFanOut', counts.fanOut));
    const { first, last } = fan.output as { first: number; last: number };
    results.push({
      name: `fan-out (${counts.fanOut} activities started)`,
      perSecond: counts.fanOut / seconds(began, last),
      published: 100,
      goal: 5,
    });
    results.push({
      name: `fan-in (${counts.fanOut} results gathered)`,
      perSecond: counts.fanOut / seconds(first, fan.finishedAt),
      published: 150,
      goal: 3,
    });

    began = Date.now();
    const eventsId = await start('benchEvents', counts.events);
    for (let i = 0; i < counts.events; i++) {
      const res = await api(`/runtime/webhooks/durabletask/instances/${eventsId}/raiseEvent/tick`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(i),
      });
      if (res.status !== 202) throw new Error(`raiseEvent answered ${res.status}: ${await res.text()}`);
    }
    const events = await finished(eventsId);
    results.push({
      name: 'external events',
      perSecond: counts.events / seconds(began, events.finishedAt),
      published: 50,
      goal: 5,
    });

    // One counter entity and a stream of operations: signals from one orchestration, then a call
    // whose answer comes once the entity has applied them all (from one sender, in order).
    began = Date.now();
    const entity = await finished(await start('benchEntity', counts.entityOperations));
    if (entity.output !== counts.entityOperations)
      throw new Error(
        `The bench counter says ${JSON.stringify(entity.output)} after ${counts.entityOperations} signals`,
      );
    results.push({
      name: `entity operations (${counts.entityOperations} signals, 1 call)`,
      perSecond: (counts.entityOperations + 1) / seconds(began, entity.finishedAt),
      published: 64,
    });
    return results;
  } finally {
    await Promise.allSettled([host.stop(), azurite.stop()]);
  }
}
