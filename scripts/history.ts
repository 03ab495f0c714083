// npm run history -- <instanceId> [--lab NN] [--solution] [--mermaid] [--connection <string>] [--hub <name>]
//
// The history viewer: an orchestration instance's rows of the `{Hub}History` table, as a table
// (EventType, EventId, Name, TaskScheduledId, timestamp, payload size) or as a Mermaid sequence
// diagram: what you would otherwise read row by row in Storage Explorer. Reads the Azurite of a
// served lab (`npm start -- NN`): development storage, the hub of the lab's host.json.
import { parseArgs } from 'node:util';
import { TableClient } from '@azure/data-tables';
import { formatHistoryMermaid, formatHistoryTable } from '../shared/testkit/src/history-format.ts';
import { taskHubName } from '../shared/testkit/src/durable.ts';
import { findLab, readManifest, solutionDir, starterDir, UsageError } from './lib/manifest.ts';
import { bold, dim } from './lib/style.ts';

const usage = `Usage: npm run history -- <instanceId> [--lab NN] [--solution] [--mermaid] [--connection <string>] [--hub <name>]
  Prints the history of one orchestration instance, row by row.
  --lab         the lab whose host.json names the task hub (default: the hub TestHubName)
  --solution    read the hub of solutions/NN-* rather than labs/NN-*
  --mermaid     print a Mermaid sequence diagram instead (paste it into https://mermaid.live)
  --connection  the storage account (default UseDevelopmentStorage=true: the Azurite of npm start)
  --hub         the task hub name, instead of the lab's`;

/** Azure Table keys may not contain / \ # ? or control characters; DTFx escapes them like this. */
function escapeKey(key: string): string {
  return key.replace(/[/\\#?\u0000-\u001f\u007f-\u009f]|\^/g, (c) => `^${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

async function readHistory(connectionString: string, hub: string, instanceId: string): Promise<Array<Record<string, unknown>>> {
  const table = TableClient.fromConnectionString(connectionString, `${hub}History`, { allowInsecureConnection: true });
  const filter = `PartitionKey eq '${escapeKey(instanceId).replaceAll("'", "''")}'`;
  const rows: Array<Record<string, unknown>> = [];
  try {
    for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) rows.push(row);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  return rows;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      lab: { type: 'string' },
      solution: { type: 'boolean', default: false },
      mermaid: { type: 'boolean', default: false },
      connection: { type: 'string', default: 'UseDevelopmentStorage=true' },
      hub: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return console.log(usage);
  const instanceId = positionals[0];
  if (!instanceId) throw new UsageError('Which instance? Pass its id (the "id" of the 202 answer).');
  let hub = values.hub ?? 'TestHubName';
  if (!values.hub && values.lab) {
    const lab = findLab(readManifest(), values.lab);
    hub = taskHubName(values.solution ? solutionDir(lab) : starterDir(lab));
  }

  let rows;
  try {
    rows = await readHistory(values.connection, hub, instanceId);
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code === 'ECONNREFUSED' || /ECONNREFUSED|fetch failed/.test(String((error as Error).message))) {
      throw new UsageError('Storage is not reachable. Is Azurite running? Start the lab with `npm start -- NN` in another terminal.');
    }
    throw error;
  }
  if (rows.length === 0) throw new UsageError(`The task hub ${hub} has no history for "${instanceId}". Check the id, and --lab or --hub.`);

  if (values.mermaid) return console.log(formatHistoryMermaid(rows));
  console.log(bold(`Instance ${instanceId}`), dim(`(${hub}History, ${rows.length} rows)`));
  console.log(formatHistoryTable(rows));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error && (error instanceof UsageError || !error.stack) ? error.message : error);
  if (error instanceof UsageError) console.error(usage);
  process.exit(1);
});
