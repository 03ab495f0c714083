/**
 * What saving before answering costs Azurite, next to Azurite as it comes (saving every 5 s):
 * the time of sequential and parallel writes, Azurite's CPU time, and how often it saves while
 * writes keep coming, with an empty and with a full table database. Linux only (reads /proc).
 * Figures: docs/guide/proof.md.
 *
 *   node_modules/.bin/node shared/azurite/bench/save-cost.ts [--fill 0,2000,20000] [--ops 200]
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '../src/index.ts';

const { values } = parseArgs({
  options: {
    fill: { type: 'string', default: '0,2000,20000' },
    ops: { type: 'string', default: '200' },
  },
});
const modes = [
  { saveBeforeAnswering: false, name: 'Azurite as it comes (saves every 5 s)' },
  { saveBeforeAnswering: true, name: 'saving before answering' },
];
const fills = values.fill.split(',').map(Number);
const ops = Number(values.ops);
const payload = 'x'.repeat(1000);

/** User + system CPU time of a process, in ms, from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function measure(azurite: RunningAzurite, what: string, run: () => Promise<void>): Promise<string> {
  const cpu = cpuMs(azurite.process.pid!);
  const began = performance.now();
  await run();
  const ms = performance.now() - began;
  return `${what}: ${(ms / ops).toFixed(1)} ms/op, Azurite CPU ${Math.round(cpuMs(azurite.process.pid!) - cpu)} ms`;
}

async function parallel(count: number, width: number, one: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await one(next++);
    }),
  );
}

for (const fill of fills) {
  for (const mode of modes) {
    const location = mkdtempSync(join(tmpdir(), 'azurite-save-cost-'));
    const azurite = await startAzurite({ location, saveBeforeAnswering: mode.saveBeforeAnswering });
    try {
      const table = TableClient.fromConnectionString(azurite.connectionString, 'bench', {
        allowInsecureConnection: true,
      });
      await table.createTable();
      // A task hub's History after a day of labs: many rows of about 1 KB.
      for (let i = 0; i < fill; i += 100) {
        const actions: TransactionAction[] = Array.from({ length: 100 }, (_, j) => [
          'create',
          { partitionKey: 'fill', rowKey: String(i + j).padStart(8, '0'), payload },
        ]);
        await table.submitTransaction(actions);
      }
      // Past Azurite's own 5 s save, so the file shows the whole table.
      await new Promise((resolve) => setTimeout(resolve, 5500));
      const tableDb = join(location, '__azurite_db_table__.json');
      const tableMb = (statSync(tableDb).size / 1e6).toFixed(1);
      const queue = new QueueClient(azurite.connectionString, 'bench');
      await queue.create();
      const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('bench');
      await container.create();
      const lines = [
        await measure(azurite, 'table inserts, one at a time', async () => {
          for (let i = 0; i < ops; i++) await table.createEntity({ partitionKey: 'seq', rowKey: String(i), payload });
        }),
        await measure(azurite, 'table inserts, 20 at a time ', () =>
          parallel(ops, 20, (i) => table.createEntity({ partitionKey: 'par', rowKey: String(i), payload })),
        ),
        await measure(azurite, 'queue send, one at a time   ', async () => {
          for (let i = 0; i < ops; i++) await queue.sendMessage(payload);
        }),
        await measure(azurite, 'queue receive + delete      ', async () => {
          for (let i = 0; i < ops; i++) {
            const [m] = (await queue.receiveMessages()).receivedMessageItems;
            await queue.deleteMessage(m!.messageId, m!.popReceipt);
          }
        }),
        await measure(azurite, 'blob uploads (4 KB)         ', async () => {
          for (let i = 0; i < ops; i++) await container.getBlockBlobClient(`b${i}`).upload(payload.repeat(4), 4000);
        }),
      ];
      // A busy task hub writes all the time: how much of a core the saving itself takes.
      const busyCpu = cpuMs(azurite.process.pid!);
      const busyUntil = performance.now() + 5000;
      let busyWrites = 0;
      // Each save replaces the file: its modification times are the moments of the saves.
      const saves = new Set<number>();
      const watch = setInterval(() => saves.add(statSync(tableDb).mtimeMs), 5);
      while (performance.now() < busyUntil) {
        await table.createEntity({ partitionKey: 'busy', rowKey: String(busyWrites++), payload });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      clearInterval(watch);
      const gapMs = 5000 / Math.max(1, saves.size - 1);
      lines.push(
        `5 s of table writes (${busyWrites}, one every 20 ms): Azurite CPU ${Math.round(cpuMs(azurite.process.pid!) - busyCpu)} ms, ` +
          `${saves.size} saves of the table database (one every ${Math.round(gapMs)} ms)`,
      );
      const idle = cpuMs(azurite.process.pid!);
      await new Promise((resolve) => setTimeout(resolve, 5000));
      lines.push(`idle 5 s: Azurite CPU ${Math.round(cpuMs(azurite.process.pid!) - idle)} ms`);
      console.log(`\n${mode.name}, table database ${tableMb} MB (${fill} rows filled), ${ops} ops each`);
      for (const line of lines) console.log(`  ${line}`);
    } finally {
      await azurite.stop();
      rmSync(location, { recursive: true, force: true });
    }
  }
}
