import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { BlobServiceClient } from '@azure/storage-blob';
import { PHOTOS_CONTAINER, sampleImages, seedPhotos, seedSamples } from '@workshop/samples';
import { DEV_PORTS, startDevStorage } from './lib/dev-storage.ts';
import { formatHome } from './lib/home.ts';
import { HostRestarter } from './lib/host-restarter.ts';
import { ensureLocalSettings } from './lib/local-settings.ts';
import { onlyTheLab, runCli } from './lib/cli.ts';
import { findLab, readManifest, repoRoot, solutionDir, starterDir, UsageError } from './lib/manifest.ts';
import { andAzurite, stoppedLine } from './lib/serve-words.ts';
import { stopWhenLeftRunning } from './lib/when-orphaned.ts';
import { tryItCommand } from './lib/try-it.ts';
import { bold, cyan, dim, red } from './lib/style.ts';
import { isPortFree, portFreesWithin, portTakenAdvice, storagePortsAdvice } from './lib/port-holder.ts';

/** The port the Functions host and the guides use. */
const DEFAULT_PORT = 7071;

const usage = `Usage: npm start -- NN [--solution] [--port ${DEFAULT_PORT}] [--clock auto|virtual]    (npm start alone: your progress and the commands)
  Serves lab NN (your labs/NN-* folder) on the local Functions host, with Azurite for storage.
  --solution  serve solutions/NN-* instead
  --port      the host's port (default ${DEFAULT_PORT})
  --clock     Durable Functions time: real (default); auto: whenever nothing else is
              running, time jumps to the next durable timer (an hour of timers in a second);
              virtual: time stands still until you move it, from the dashboard's clock bar`;

const CLOCKS = ['real', 'auto', 'virtual'] as const;

async function main(): Promise<number | void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      solution: { type: 'boolean', default: false },
      port: { type: 'string', default: String(DEFAULT_PORT) },
      clock: { type: 'string', default: 'real' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const labs = readManifest();
  if (values.help) return console.log(usage);
  if (positionals.length === 0) return console.log(formatHome(labs));
  onlyTheLab(positionals, (option) => `npm start -- ${positionals[0]} ${option}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number, not "${values.port}".`);
  const clock = CLOCKS.find((c) => c === values.clock);
  if (!clock) throw new UsageError(`--clock must be ${CLOCKS.join(' or ')}, not "${values.clock}".`);
  const lab = findLab(labs, positionals[0]);
  const appDir = values.solution ? solutionDir(lab) : starterDir(lab);
  // This npm start, on another port (the default goes without saying).
  const retryCommand = (onPort: number) =>
    `npm start -- ${lab.id}${values.solution ? ' --solution' : ''}${onPort === DEFAULT_PORT ? '' : ` --port ${onPort}`}${clock === 'real' ? '' : ` --clock ${clock}`}`;
  // Before Azurite starts: a taken port is the other program's, and no save of a lab file frees it.
  // Unless it is an npm start stopped a moment ago (found by the newcomer walkthrough: Ctrl+C, then
  // npm start again at once): its host lets the port go within 5 s, when npm start kills it.
  if (port !== 0 && !(await isPortFree(port))) {
    console.log(dim(`Port ${port} is in use: waiting a few seconds, in case an npm start is still stopping…`));
    if (!(await portFreesWithin(port, 6000))) {
      for (const line of await portTakenAdvice(port, retryCommand)) console.error(red(line));
      return 1;
    }
  }
  if (ensureLocalSettings(appDir))
    console.log(dim(`Created ${relative(repoRoot, appDir)}/local.settings.json from the example.`));

  const ports = `Blob ${DEV_PORTS.blobPort}, Queue ${DEV_PORTS.queuePort}, Table ${DEV_PORTS.tablePort}`;
  console.log(dim(`Storage: Azurite on ${ports}…`));
  const storage = await startDevStorage((line) => console.log(line)).catch(async (error: unknown) => {
    if (!/already in use/.test(String((error as Error).message))) throw error;
    for (const line of await storagePortsAdvice(Object.values(DEV_PORTS))) console.error(red(line));
    return undefined;
  });
  if (!storage) return 1;
  if (storage.kind === 'started') console.log(dim('Started Azurite, with its data in .workshop/azurite.'));
  else {
    console.log(
      dim(
        'An Azurite started by another program is already running there: using it. ' +
          'Its data is wherever that program keeps it (not necessarily .workshop/azurite), and it keeps running after Ctrl+C here. ' +
          "Other apps may use it too: each lab's task hub (hubName in host.json) keeps its orchestrations apart from theirs.",
      ),
    );
  }
  const blobs = BlobServiceClient.fromConnectionString('UseDevelopmentStorage=true');
  await seedSamples(blobs.getContainerClient('samples'));
  await seedPhotos(blobs.getContainerClient(PHOTOS_CONTAINER));
  const samples = (await sampleImages()).map((sample) => sample.name);
  console.log(
    dim(
      `Uploaded the sample images: ${samples.length} to the container samples (${samples.join(', ')}) and poster.jpg to photos. Each start puts them back as they were.`,
    ),
  );

  console.log(bold(`\nLab ${lab.id} · ${lab.title}`), dim(`(${relative(repoRoot, appDir)})\n`));
  const restarter = new HostRestarter({ appDir, port, clock, onOutput: (line) => console.log(line), retryCommand });
  if (clock === 'auto')
    console.log(
      dim(
        'Clock: auto. Whenever the app is idle, time jumps to the next durable timer, and between timers it stands still: currentUtcDateTime can be ahead of your watch or behind it.',
      ),
    );
  if (clock === 'virtual') {
    console.log(
      dim(
        "Clock: virtual. Orchestration time stands still until you move it: the dashboard's clock bar has +1 min, +1 h and Next timer. A restart of the host starts it again from now.",
      ),
    );
  }
  const host = await restarter.start();

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    // The host first: an activity it lets finish still reads and writes storage. Ctrl+C does not
    // reach our Azurite (a process group of its own), so its stop is never taken for a crash.
    await restarter.stop(signal);
    await storage.stop();
    // Another program's Azurite may have stopped meanwhile (the walkthrough stopped it): not "left running".
    const othersStillRuns = storage.kind !== 'started' && !(await isPortFree(DEV_PORTS.blobPort));
    // Said last, once both are down: the terminal is the learner's again, and the ports are free.
    console.log(stoppedLine(storage.kind, othersStillRuns, cyan(retryCommand(port))));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  // A closed terminal, or npm killed above this process (not Ctrl+C): stop rather than go on
  // holding the ports for the next npm start to find busy (issue #15, item 6).
  stopWhenLeftRunning('npm start', 'stopping the host and Azurite', () => void stop());
  // The address only once something of ours listens there. Another program's Azurite is not ours to stop.
  if (host)
    console.log(
      dim(
        `\nTry it: ${cyan(tryItCommand(lab, host.url) ?? `curl ${host.functions.find((f) => f.url)?.url ?? host.url}`)}  ·  Saving a file restarts the host; Ctrl+C stops it${andAzurite(storage.kind)}.`,
      ),
    );
  else console.log(dim(`\nThe host is not running yet. Ctrl+C stops npm start${andAzurite(storage.kind)}.`));
}

runCli(main, usage);
