import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { afterEach, describe, expect, it } from 'vitest';
import { freePorts, startAzurite, type AzuriteOptions, type RunningAzurite } from '../src/index.ts';

const folders: string[] = [];
const running: RunningAzurite[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((a) => a.stop()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function diskAzurite(saveBeforeAnswering: boolean): Promise<AzuriteOptions> {
  const location = mkdtempSync(join(tmpdir(), 'azurite-kill-9-'));
  folders.push(location);
  const [blobPort, queuePort, tablePort] = await freePorts(3);
  return { location, blobPort: blobPort!, queuePort: queuePort!, tablePort: tablePort!, saveBeforeAnswering };
}

async function start(options: AzuriteOptions): Promise<RunningAzurite> {
  const azurite = await startAzurite(options);
  running.push(azurite);
  return azurite;
}

async function kill9(azurite: RunningAzurite): Promise<void> {
  const exited = new Promise((resolve) => azurite.process.once('exit', resolve));
  azurite.process.kill('SIGKILL');
  await exited;
  running.splice(running.indexOf(azurite), 1);
}

const clients = (azurite: RunningAzurite) => ({
  table: TableClient.fromConnectionString(azurite.connectionString, 'History', { allowInsecureConnection: true }),
  queue: new QueueClient(azurite.connectionString, 'hub-control-00'),
  container: BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('largemessages'),
});

const roundClients = (azurite: RunningAzurite, round: number) => ({
  table: TableClient.fromConnectionString(azurite.connectionString, `History${round}`, {
    allowInsecureConnection: true,
  }),
  queue: new QueueClient(azurite.connectionString, `control-${round}`),
});

/** A task hub's kinds of writes: inserts and deletes of table rows, queue messages and blobs. */
async function write(azurite: RunningAzurite): Promise<void> {
  const { table, queue, container } = clients(azurite);
  await table.createTable();
  await table.createEntity({ partitionKey: 'job', rowKey: '0', EventType: 'ExecutionStarted' });
  await table.createEntity({ partitionKey: 'job', rowKey: '1', EventType: 'TaskScheduled' });
  await table.deleteEntity('job', '0');
  await queue.create();
  await queue.sendMessage('consumed');
  await queue.sendMessage('TaskCompleted #1');
  const [consumed] = (await queue.receiveMessages()).receivedMessageItems;
  await queue.deleteMessage(consumed!.messageId, consumed!.popReceipt);
  await container.create();
  await container.getBlockBlobClient('kept.json.gz').upload('kept', 4);
  await container.getBlockBlobClient('deleted.json.gz').upload('deleted', 7);
  await container.getBlockBlobClient('deleted.json.gz').delete();
}

/** What `write` left, read back: rows, message texts, blobs and their contents. */
async function read(azurite: RunningAzurite) {
  const { table, queue, container } = clients(azurite);
  const rows: string[] = [];
  const messages: string[] = [];
  const blobs: string[] = [];
  try {
    for await (const row of table.listEntities<{ EventType: string }>()) rows.push(`${row.rowKey} ${row.EventType}`);
  } catch (error) {
    rows.push(`(${(error as { statusCode?: number }).statusCode ?? String(error)})`);
  }
  try {
    for (const m of (await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems)
      messages.push(m.messageText);
  } catch (error) {
    messages.push(`(${(error as { statusCode?: number }).statusCode ?? String(error)})`);
  }
  try {
    for await (const blob of container.listBlobsFlat()) {
      blobs.push(`${blob.name} ${(await container.getBlockBlobClient(blob.name).downloadToBuffer()).toString()}`);
    }
  } catch (error) {
    blobs.push(`(${(error as { statusCode?: number }).statusCode ?? String(error)})`);
  }
  return { rows, messages, blobs };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Azurite with its data on disk, killed with kill -9', () => {
  it('keeps every write it answered, even the last one', async () => {
    const options = await diskAzurite(true);
    const before = await start(options);
    await write(before);
    await kill9(before);

    const after = await start(options);
    expect(await read(after)).toEqual({
      rows: ['1 TaskScheduled'],
      messages: ['TaskCompleted #1'],
      blobs: ['kept.json.gz kept'],
    });
  });

  // The Durable Task Framework's order, as the engine writes it: a message out (the work), then
  // a History row, then the message that led to it deleted. On disk after a kill, the last row's
  // message must still be there, or its orchestration would wait for it for good.
  it('keeps the order of writes across queues and tables', { timeout: 60_000 }, async () => {
    const options = await diskAzurite(true);
    let azurite = await start(options);
    for (let round = 0; round < 4; round++) {
      const { table, queue } = roundClients(azurite, round);
      await table.createTable();
      await queue.create();
      // The steps fully answered before the kill.
      const acked: number[] = [];
      const killAt = performance.now() + 100 + Math.random() * 900;
      // Stopped at the kill: the storage SDKs would retry for seconds.
      const stop = new AbortController();
      const abortSignal = stop.signal;
      const writing = (async () => {
        let previous: { messageId: string; popReceipt: string } | undefined;
        for (let n = 0; ; n++) {
          const sent = await queue.sendMessage(String(n), { abortSignal });
          await table.createEntity({ partitionKey: 'i', rowKey: String(n).padStart(6, '0') }, { abortSignal });
          if (previous) await queue.deleteMessage(previous.messageId, previous.popReceipt, { abortSignal });
          previous = sent;
          acked.push(n);
        }
      })().catch(() => undefined);
      await wait(killAt - performance.now());
      await kill9(azurite);
      stop.abort();
      await writing;
      azurite = await start(options);

      const after = roundClients(azurite, round);
      const rows: number[] = [];
      for await (const row of after.table.listEntities()) rows.push(Number(row.rowKey));
      const lastRow = Math.max(-1, ...rows);
      const messages = (await after.queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.map((m) =>
        Number(m.messageText),
      );
      // Every step answered is there; the one cut off by the kill may be, in part.
      expect({ round, lastRow, messages }).toEqual({
        round,
        lastRow: expect.toSatisfy((n: number) => n >= acked.length - 1, `at least ${acked.length - 1}`),
        messages: lastRow < 0 ? expect.anything() : expect.arrayContaining([lastRow]),
      });
    }
  });

  // The first test with Azurite as it comes, which saves every 5 s: it loses the writes, so the
  // first test would see a loss.
  it('loses them without saving before answering, as Azurite does by itself', async () => {
    const options = await diskAzurite(false);
    const before = await start(options);
    await write(before);
    await kill9(before);

    const after = await start(options);
    expect(await read(after)).toEqual({ rows: ['(404)'], messages: ['(404)'], blobs: ['(404)'] });
  });
});
