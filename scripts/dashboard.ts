// npm run dashboard -- [--lab NN] [--solution] [--connection <string>] [--hub <name>] [--port 7072]
//
// The task hub dashboard without a host: for any task hub in DTFx's Azure Storage layout — the
// Azurite of a served lab, your own app's hub, or a storage account the network reaches. It reads
// the hub's tables; it writes (sends a message, deletes rows) only when you press a button.
// With a lab served by `npm start -- NN`, the same dashboard is already at :7071/dashboard/.
import { parseArgs } from 'node:util';
import { startDashboardServer } from '../shared/dashboard/src/index.ts';
import { runCli, wholeNumber } from './lib/cli.ts';
import { hubOf } from './lib/instance-args.ts';
import { UsageError } from './lib/manifest.ts';
import { bold, dim } from './lib/style.ts';

const usage = `Usage: npm run dashboard -- [--lab NN] [--solution] [--connection <string>] [--hub <name>] [--port 7072]
  Opens the task hub dashboard on any task hub, without a host.
  --lab         the lab whose host.json names the task hub (default: TestHubName, the hub of an app whose host.json names none)
  --solution    the hub of solutions/NN-* rather than labs/NN-*
  --connection  the storage account (default UseDevelopmentStorage=true: the Azurite of npm start)
  --hub         the task hub name, instead of the lab's
  --port        the port to serve it on, on 127.0.0.1 only (default 7072; 0 for any free one)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lab: { type: 'string' },
      solution: { type: 'boolean', default: false },
      connection: { type: 'string', default: 'UseDevelopmentStorage=true' },
      hub: { type: 'string' },
      port: { type: 'string', default: '7072' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return console.log(usage);
  const hub = hubOf(values);
  const port = wholeNumber('--port', values.port, 0);
  const server = await startDashboardServer({ connectionString: values.connection, hubName: hub, port }).catch(
    (error: unknown) => {
      if ((error as { code?: string }).code === 'EADDRINUSE')
        throw new UsageError(`Port ${port} is in use. Pass --port with another number, or 0 for any free port.`);
      throw error;
    },
  );
  console.log(`${bold('Task hub dashboard')} for ${hub}: ${server.url}`);
  console.log(dim("It reads the hub's tables, and writes only when you press a button. Ctrl+C stops it."));
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

runCli(main, usage);
