// npm run faults -- [--seed N] [--jobs N] [--images N] [--kills N] [--timeout S] [--logs FILE] [--ci]
//
// The fault-injection suite of GitHub issue #6: many thumbnail jobs of the lab 06 solution in
// flight while the host is killed (SIGKILL, no clean-up) at random moments and started again
// on the same storage, and Azurite itself is restarted with its data on disk. The promises
// checked afterwards: every job completes, none is lost, each manifest lists each thumbnail
// once and each thumbnail blob is there once under its deterministic name, the History table
// holds each activity scheduled once and answered once. Activities may run more than once
// (at least once is the engine's promise): those re-runs are counted, not failed.
// The seed fixes the schedule of faults (which moment in the work, which delay); the exact
// interleaving still depends on the machine.
import { createHash, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BlobServiceClient } from '@azure/storage-blob';
import { freePorts, startAzurite, type AzuriteOptions, type RunningAzurite } from '@workshop/azurite';
import { runCli, wholeNumber } from './lib/cli.ts';
import { printFigures, printOutcome, seconds } from './lib/figures-table.ts';
import { FleetHost } from './lib/fleet-host.ts';
import { brokenPromises, judgeFleet, type FleetVerdict } from './lib/fleet-verdict.ts';
import { dim } from './lib/style.ts';
import { JobWatcher, jobSpecs, seedImages, startJobs, type StartedJob } from './lib/thumbnail-fleet.ts';

const usage = `Usage: npm run faults -- [--seed N] [--jobs N] [--images N] [--kills N] [--timeout S] [--logs FILE] [--ci]
  Kills the host running thumbnail jobs of the lab 06 solution at random moments, restarts
  Azurite under it, and checks that every job completes with its outputs exactly once.
  --seed      the schedule of faults (default: a new one, printed so the run can be repeated)
  --jobs      orchestrations in flight (default 40)
  --images    images per job (default 4)
  --kills     SIGKILLs of the host (default 5)
  --timeout   seconds the jobs may take after the last fault (default 60)
  --logs      where to write everything the host printed, all its lives (default: the temp folder)
  --ci        the continuous-integration size: 30 jobs of 3 images, 30 s at most after the last kill`;

/** The test kit's short lease: a killed host's messages reappear after 2 s rather than 10. */
const LEASE_MS = 2000;

/** A generator of numbers in [0, 1) that depends on the seed only: a SHA-256 counter. */
function seededRandom(seed: number): () => number {
  let counter = 0;
  return () => createHash('sha256').update(`${seed}:${counter++}`).digest().readUInt32BE(0) / 2 ** 32;
}

interface Kill {
  /** Strike once the jobs have recorded this share of their thumbnails (0 to 1)… */
  atProgress: number;
  /** …and this many milliseconds later (once this life of the host has started an activity). */
  delayMs: number;
  /** Restart Azurite too, while the host is down, before the host starts again. */
  restartAzurite: boolean;
}

/**
 * The kills, at random points of the work from start to end (early: while the jobs list their
 * images; late: while they write manifests and complete). One of the earlier half, chosen at
 * random too, also restarts Azurite: while the host is down, because the lab 06 app fails a job whose
 * activity finds storage unreachable (as its guide says), and the suite holds the app to its
 * own promises.
 */
function planKills(random: () => number, kills: number): Kill[] {
  const points = Array.from({ length: kills }, () => 0.95 * random()).sort((a, b) => a - b);
  // Among the earlier kills, which always happen: the run fails with fewer than half of them.
  const withAzurite = Math.floor(random() * Math.ceil(kills / 2));
  return points.map((atProgress, i) => ({ atProgress, delayMs: Math.floor(random() * 250), restartAzurite: i === withAzurite }));
}

interface FaultOptions {
  jobs: number;
  images: number;
  plan: Kill[];
  timeoutMs: number;
  logFile: string;
}

interface FaultRun {
  jobs: StartedJob[];
  killed: number;
  azuriteRestarts: number;
  /** Activity executions the host started, all lives together. */
  executions: number;
  crashes: readonly string[];
  wallSeconds: number;
  verdict: FleetVerdict;
}

/** Azurite with its data on disk, on ports fixed once: started again, it is the same storage account. */
async function diskAzurite(dir: string): Promise<{ current(): RunningAzurite; restart(): Promise<void>; stop(): Promise<void> }> {
  const [blobPort, queuePort, tablePort] = await freePorts(3);
  const options: AzuriteOptions = { location: dir, blobPort: blobPort!, queuePort: queuePort!, tablePort: tablePort! };
  let azurite = await startAzurite(options);
  return {
    current: () => azurite,
    // A clean stop (SIGTERM): Azurite saves its data. A SIGKILL could lose writes it had
    // acknowledged (it saves every few seconds), which would test Azurite, not the engine.
    restart: async () => {
      await azurite.stop();
      azurite = await startAzurite(options);
    },
    stop: () => azurite.stop(),
  };
}

/** Starts the jobs, kills the host as planned, waits for the jobs and judges them. */
async function runFaults(options: FaultOptions): Promise<FaultRun> {
  const dir = mkdtempSync(join(tmpdir(), 'workshop-faults-'));
  const storage = await diskAzurite(dir);
  try {
    const { connectionString } = storage.current();
    const blobs = BlobServiceClient.fromConnectionString(connectionString);
    const specs = jobSpecs('faults', options.jobs, options.images);
    await seedImages(blobs, specs);
    // A fixed port: the management URLs stay valid across the host's lives.
    const [port] = await freePorts(1);
    const host = await FleetHost.start({ connectionString, port: port!, leaseMs: LEASE_MS });
    try {
      const began = performance.now();
      const jobs = await startJobs(host.url, specs, 10);
      const watcher = new JobWatcher(host.url, jobs, 200);
      let killed = 0;
      let azuriteRestarts = 0;
      for (const kill of options.plan) {
        // Each life works before it is killed. One that makes no progress for the whole timeout
        // is stuck: stop killing, the verdict says what is lost.
        const moment = await Promise.race([
          Promise.all([watcher.whenProgress(kill.atProgress), host.whenActivitiesStarted(1)]).then(() => 'working' as const),
          watcher.whenAllEnded(options.timeoutMs).then(() => 'ended or stuck' as const),
        ]);
        if (moment !== 'working' || watcher.finishedAt !== undefined) break;
        // Not synchronisation: the delay is part of the kill's random moment.
        await new Promise((resolve) => setTimeout(resolve, kill.delayMs));
        await host.kill();
        killed++;
        if (kill.restartAzurite) {
          await storage.restart();
          azuriteRestarts++;
        }
        await host.restart();
        const what = `kill ${killed}/${options.plan.length}${kill.restartAzurite ? ' and Azurite restarted' : ''}`;
        console.log(dim(`${what}: ${Math.round(100 * watcher.progress)}% of the thumbnails recorded, ${watcher.ended}/${jobs.length} jobs ended`));
      }
      await watcher.whenAllEnded(options.timeoutMs);
      watcher.stop();
      const wallSeconds = ((watcher.finishedAt ?? performance.now()) - began) / 1000;
      const verdict = await judgeFleet(host.url, blobs, connectionString, jobs);
      const executions = [...host.executions.values()].reduce((a, b) => a + b, 0);
      return { jobs, killed, azuriteRestarts, executions, crashes: host.crashes, wallSeconds, verdict };
    } finally {
      await host.stop();
      // Every life of the host, for whoever has to find out what went wrong.
      writeFileSync(options.logFile, host.logs());
    }
  } finally {
    await storage.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number | void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      jobs: { type: 'string' },
      images: { type: 'string' },
      kills: { type: 'string', default: '5' },
      timeout: { type: 'string' },
      logs: { type: 'string' },
      ci: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return console.log(usage);
  const seed = values.seed === undefined ? randomInt(2 ** 31 - 1) : wholeNumber('seed', values.seed, 0);
  // --ci changes the defaults only: an option given explicitly still wins.
  const jobs = wholeNumber('jobs', values.jobs ?? (values.ci ? '30' : '40'), 1);
  const images = wholeNumber('images', values.images ?? (values.ci ? '3' : '4'), 1);
  const kills = wholeNumber('kills', values.kills, 0);
  const timeoutMs = wholeNumber('timeout', values.timeout ?? (values.ci ? '30' : '60'), 1) * 1000;
  const plan = planKills(seededRandom(seed), kills);
  const logFile = values.logs ?? join(tmpdir(), `workshop-faults-${seed}.log`);
  const again = ['npm run faults --', ...process.argv.slice(2).filter((arg, i, args) => arg !== '--seed' && args[i - 1] !== '--seed' && !arg.startsWith('--seed=')), `--seed ${seed}`];
  console.log(`Seed ${seed}  ${dim(`(${again.join(' ')} repeats this schedule of kills)`)}`);

  const run = await runFaults({ jobs, images, plan, timeoutMs, logFile });
  const { verdict } = run;
  printFigures(`Faults: ${run.jobs.length} thumbnail jobs of the lab 06 solution, ${images} images each (seed ${seed})`, [
    ['host kills survived (SIGKILL)', `${run.killed} of ${kills}`, run.killed < kills ? dim('the jobs ended before the last ones') : ''],
    ['Azurite restarts (data on disk)', `${run.azuriteRestarts} of ${plan.some((kill) => kill.restartAzurite) ? 1 : 0}`],
    ['host crashes (not ours)', String(run.crashes.length)],
    ['instances started', String(run.jobs.length)],
    ['completed', String(verdict.completed)],
    ['failed / lost', `${verdict.failed.length} / ${verdict.lost.length}`],
    ['activities scheduled', String(verdict.scheduled), dim('TaskScheduled rows in the History table')],
    ['activity executions', String(run.executions), dim("'Executing' lines of every life of the host")],
    ['duplicate activity executions', String(run.executions - verdict.scheduled), dim('ran again after a kill (at least once: allowed)')],
    ['wall time', seconds(run.wallSeconds), dim('first POST → last instance seen ended')],
  ]);
  console.log(dim(`The host's output, all its lives: ${logFile}`));

  const problems = [
    // Late kill points (up to 95 % of the thumbnails) test the manifests and the completions;
    // now and then the jobs finish first. That is no broken promise, but too few kills prove little.
    ...(run.killed < Math.ceil(plan.length / 2) ? [`the jobs ended after ${run.killed} of ${plan.length} kills: give them more work (--jobs, --images)`] : []),
    ...run.crashes.map((crash) => `the host crashed by itself: ${crash}`),
    ...brokenPromises(verdict),
  ];
  return printOutcome(problems, `Every promise kept through ${run.killed} kills: ${run.jobs.length} jobs completed, each output exactly once.`, ` (seed ${seed})`);
}

runCli(main, usage);
