// This machine's floor for the durable engine (issue #14): what Azurite alone needs for one
// activity. A short chain of sequential activities runs with every storage request going through
// a recording proxy, which counts the requests of each kind. Empty dequeues (a poll that found
// nothing) and the bench's own status reads are counted apart: they are waiting, not work. Then
// the same requests, in the numbers one activity makes them, are made back to back against an
// idle Azurite: the activities per second an engine with no cost of its own would reach here.

import { join } from 'node:path';
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { connectionStringFor, startAzurite, startStorageProxy, type StorageExchange } from '@workshop/azurite';
import { spawnHost } from '@workshop/host/launcher';
import { repoRoot } from './manifest.ts';

export interface StorageFloor {
  activities: number;
  /** Work requests per activity, by kind (`queue: dequeue`, `table: batch`, …). */
  perActivity: Map<string, number>;
  /** Dequeues that found nothing, per activity. */
  emptyPolls: number;
  /** History rows written per table batch, on average. */
  rowsPerBatch: number;
  /** One activity's requests made back to back, in milliseconds. */
  msPerActivity: number;
  /** Activities per second if Azurite's time were all there is. */
  perSecond: number;
}

/** What a storage request does, from its method and path. */
function kindOf(service: string, method: string, path: string): string {
  const bare = path.split('?')[0]!;
  if (service === 'queue') {
    if (bare.endsWith('/messages'))
      return method === 'GET' ? 'dequeue' : method === 'POST' ? 'enqueue' : `${method} messages`;
    if (/\/messages\/[^/]+$/.test(bare)) return method === 'DELETE' ? 'delete message' : 'update message';
    return `${method} queue`;
  }
  if (service === 'table') {
    if (bare.endsWith('$batch')) return 'batch';
    // The bench's own status polls read the Instances row: waiting, not the engine's work.
    if (/Instances\(PartitionKey=.*\)$/.test(decodeURIComponent(bare)) && method === 'GET') return 'status read';
    if (/\(PartitionKey=.*\)$/.test(bare)) return method === 'GET' ? 'read row' : `${method} row`;
    return method === 'GET' ? 'query' : `${method} table`;
  }
  return `${method} blob`;
}

/** One request as the floor counts it: what it did, whether it was an empty poll, the rows of a batch. */
function classify(service: string, exchange: StorageExchange): { kind: string; empty: boolean; rows: number } {
  const kind = kindOf(service, exchange.method, exchange.url);
  return {
    kind,
    empty: kind === 'dequeue' && !exchange.answerBody.includes('<QueueMessage>'),
    // The operations in a table batch: one request line each in its multipart body.
    rows:
      kind === 'batch' ? (String(exchange.requestBody).match(/^(POST|PUT|MERGE|PATCH|DELETE) http/gm) ?? []).length : 0,
  };
}

/** The requests one activity made, counted through the recording proxies. */
async function recordOneChain(activities: number): Promise<Omit<StorageFloor, 'perSecond' | 'msPerActivity'>> {
  const azurite = await startAzurite();
  const counts = new Map<string, number>();
  let emptyPolls = 0;
  let batchRows = 0;
  let recording = false;
  const recordFor = (service: string) => (exchange: StorageExchange) => {
    if (!recording) return;
    const { kind, empty, rows } = classify(service, exchange);
    if (empty) return void emptyPolls++;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    batchRows += rows;
  };
  const recorders = await Promise.all([
    startStorageProxy(azurite.blobEndpoint, { onExchange: recordFor('blob') }),
    startStorageProxy(azurite.queueEndpoint, { onExchange: recordFor('queue') }),
    startStorageProxy(azurite.tableEndpoint, { onExchange: recordFor('table') }),
  ]);
  const [blob, queue, table] = recorders.map((r) => r.endpoint) as [string, string, string];
  const host = await spawnHost({
    appDir: join(repoRoot, 'scripts', 'bench', 'durable-app'),
    port: 0,
    env: {
      AzureWebJobsStorage: connectionStringFor({ blobEndpoint: blob, queueEndpoint: queue, tableEndpoint: table }),
    },
  });
  try {
    recording = true;
    const res = await fetch(new URL(`/api/bench/benchSequence?count=${activities}`, host.url), { method: 'POST' });
    if (res.status !== 202) throw new Error(`Starting the chain answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    for (;;) {
      const answer = await fetch(new URL(`/runtime/webhooks/durabletask/instances/${id}`, host.url));
      const { runtimeStatus } = (await answer.json()) as { runtimeStatus: string };
      if (runtimeStatus === 'Completed') break;
      if (['Failed', 'Terminated'].includes(runtimeStatus)) throw new Error(`The chain ended ${runtimeStatus}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    recording = false;
  } finally {
    await host.stop();
    await Promise.all(recorders.map((r) => r.close()));
    await azurite.stop();
  }
  counts.delete('status read');
  const batches = counts.get('batch') ?? 0;
  const perActivity = new Map([...counts].sort((a, b) => b[1] - a[1]).map(([kind, n]) => [kind, n / activities]));
  return {
    activities,
    perActivity,
    emptyPolls: emptyPolls / activities,
    rowsPerBatch: batches ? batchRows / batches : 0,
  };
}

/**
 * The same requests, made back to back with the storage SDKs against an idle Azurite, in the
 * numbers one activity makes them (rounded): a message sent, received and deleted per queue hop,
 * history rows written in one batch, the Instances row merged.
 */
async function replay(floor: Omit<StorageFloor, 'perSecond' | 'msPerActivity'>, rounds: number): Promise<number> {
  const azurite = await startAzurite();
  try {
    const queue = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient('floor-control-00');
    await queue.create();
    const history = TableClient.fromConnectionString(azurite.connectionString, 'FloorHistory', {
      allowInsecureConnection: true,
    });
    const instances = TableClient.fromConnectionString(azurite.connectionString, 'FloorInstances', {
      allowInsecureConnection: true,
    });
    await Promise.all([history.createTable(), instances.createTable()]);
    await instances.upsertEntity({ partitionKey: 'floor', rowKey: '', RuntimeStatus: 'Running' });
    const times = (kind: string) => Math.round(floor.perActivity.get(kind) ?? 0);
    const hops = Math.max(times('enqueue'), times('dequeue'), times('delete message'));
    const rows = Math.max(1, Math.round(floor.rowsPerBatch));
    const payload = JSON.stringify({ input: 'x'.repeat(200), eventType: 'TaskCompleted' });
    let sequence = 0;
    const round = async () => {
      for (let hop = 0; hop < hops; hop++) {
        await queue.sendMessage(payload);
        const [message] = (await queue.receiveMessages({ numberOfMessages: 1 })).receivedMessageItems;
        if (message) await queue.deleteMessage(message.messageId, message.popReceipt);
      }
      for (let batch = 0; batch < times('batch'); batch++)
        await history.submitTransaction(
          Array.from({ length: rows }, () => [
            'upsert',
            {
              partitionKey: 'floor',
              rowKey: String(sequence++).padStart(16, '0'),
              EventType: 'TaskScheduled',
              payload,
            },
          ]),
        );
      for (let merge = 0; merge < times('PATCH row') + times('MERGE row'); merge++)
        await instances.updateEntity({ partitionKey: 'floor', rowKey: '', LastUpdatedTime: new Date() }, 'Merge');
    };
    for (let warm = 0; warm < 20; warm++) await round();
    const started = performance.now();
    for (let i = 0; i < rounds; i++) await round();
    return (performance.now() - started) / rounds;
  } finally {
    await azurite.stop();
  }
}

export async function benchFloor(activities = 100, rounds = 300): Promise<StorageFloor> {
  const recorded = await recordOneChain(activities);
  const msPerActivity = await replay(recorded, rounds);
  return { ...recorded, msPerActivity, perSecond: 1000 / msPerActivity };
}
