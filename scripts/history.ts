// npm run history -- [NN] <instanceId> [--lab NN] [--solution] [--mermaid] [--connection <string>] [--hub <name>]
//
// The history viewer: an orchestration instance's rows of the `{Hub}History` table, as a table
// (EventType, EventId, Name, TaskScheduledId, timestamp, payload size) or as a Mermaid sequence
// diagram: what you would otherwise read row by row in Storage Explorer. Reads the Azurite of a
// served lab (`npm start -- NN`): development storage, the hub of the lab's host.json.
import { parseArgs } from 'node:util';
import { formatHistoryMermaid, formatHistoryTable, historyEvents } from '../shared/testkit/src/history-format.ts';
import { readHistoryRows } from '../shared/testkit/src/history-rows.ts';
import { runCli } from './lib/cli.ts';
import { fromStorage, instanceOptions, instanceTarget, instanceUsage } from './lib/instance-args.ts';
import { UsageError } from './lib/manifest.ts';
import { bold, dim } from './lib/style.ts';

const usage = `Usage: npm run history -- [NN] <instanceId> [--lab NN] [--solution] [--mermaid] [--connection <string>] [--hub <name>]
  Prints the history of one orchestration instance, row by row.
  --mermaid     print a Mermaid sequence diagram instead (paste it into https://mermaid.live)
${instanceUsage}`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { ...instanceOptions, mermaid: { type: 'boolean', default: false } },
  });
  if (values.help) return console.log(usage);
  const { instanceId, hub, connection } = instanceTarget(values, positionals);
  const rows = await fromStorage(() => readHistoryRows(connection, hub, instanceId));
  if (rows.length === 0)
    throw new UsageError(`The task hub ${hub} has no history for "${instanceId}". Check the id, and --lab or --hub.`);

  if (values.mermaid) return console.log(formatHistoryMermaid(rows));
  console.log(bold(`Instance ${instanceId}`), dim(`(${hub}History, ${historyEvents(rows).length} events)`));
  console.log(formatHistoryTable(rows));
}

runCli(main, usage);
