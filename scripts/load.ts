// npm run load -- [--instances N] [--images N] [--timeout S] [--ci]
//
// The load test of GitHub issue #6: N thumbnail jobs of the lab 06 solution started at once
// against one host and one Azurite, each on a container of its own with a few small images.
// Every job must complete with its thumbnails and manifest; the figures say how fast and how
// much memory it took. Exits 1 when any job did not complete.
import { parseArgs } from 'node:util';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite } from '@workshop/azurite';
import { runCli, wholeNumber } from './lib/cli.ts';
import { megabytes, printFigures, printOutcome, seconds } from './lib/figures-table.ts';
import { FleetHost } from './lib/fleet-host.ts';
import { brokenPromises, judgeFleet, type FleetVerdict } from './lib/fleet-verdict.ts';
import { ProcessUsage } from './lib/process-usage.ts';
import { dim } from './lib/style.ts';
import { JobWatcher, jobSpecs, seedImages, startJobs } from './lib/thumbnail-fleet.ts';

const usage = `Usage: npm run load -- [--instances N] [--images N] [--timeout S] [--ci]
  Starts N thumbnail jobs of the lab 06 solution at once (one host, one Azurite) and waits for all.
  --instances   how many orchestrations (default 200)
  --images      images per job, each job in a container of its own (default 3)
  --timeout     seconds to wait for the jobs to end (default 120)
  --ci          the continuous-integration size: 100 instances of 3 images, 40 s at most`;

async function main(): Promise<number | void> {
  const { values } = parseArgs({
    options: {
      instances: { type: 'string' },
      images: { type: 'string' },
      timeout: { type: 'string' },
      ci: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return console.log(usage);
  // --ci changes the defaults only: an option given explicitly still wins.
  const instances = wholeNumber('instances', values.instances ?? (values.ci ? '100' : '200'), 1);
  const images = wholeNumber('images', values.images ?? '3', 1);
  const timeoutMs = wholeNumber('timeout', values.timeout ?? (values.ci ? '40' : '120'), 1) * 1000;

  const azurite = await startAzurite();
  const processes = new ProcessUsage();
  let verdict: FleetVerdict;
  try {
    const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const specs = jobSpecs('load', instances, images);
    console.log(dim(`Seeding ${instances} containers with ${images} small images each…`));
    await seedImages(blobs, specs);
    const host = await FleetHost.start({ connectionString: azurite.connectionString });
    try {
      console.log(dim(`Starting ${instances} thumbnail jobs at once…`));
      processes.watch('host', host.pid);
      // The app's code runs in the host's Node worker, a process of its own.
      processes.watch('worker', await host.workerPid());
      processes.watch('azurite', azurite.process.pid);
      const began = performance.now();
      const jobs = await startJobs(host.url, specs);
      // Every poll lists all the instances (a table scan in Azurite): twice a second keeps that
      // out of the figures, for half a second of resolution at most.
      const watcher = new JobWatcher(host.url, jobs, 500);
      await watcher.whenAllEnded(timeoutMs);
      watcher.stop();
      processes.stop();
      const wallSeconds = ((watcher.finishedAt ?? performance.now()) - began) / 1000;
      verdict = await judgeFleet(host.url, blobs, azurite.connectionString, jobs);
      const executions = [...host.executions.values()].reduce((a, b) => a + b, 0);
      const hostUse = processes.figures('host');
      const workerUse = processes.figures('worker');
      const azuriteUse = processes.figures('azurite');
      printFigures(`Load: ${instances} thumbnail jobs of the lab 06 solution, ${images} images each, one host`, [
        ['instances started', String(jobs.length)],
        ['completed', String(verdict.completed)],
        ['failed / lost', `${verdict.failed.length} / ${verdict.lost.length}`],
        ['wall time', seconds(wallSeconds), dim('first POST → last instance seen ended (polled every 0.5 s)')],
        ['throughput, orchestrations', `${(verdict.completed / wallSeconds).toFixed(1)} /s`],
        [
          'throughput, activities',
          `${(verdict.scheduled / wallSeconds).toFixed(1)} /s`,
          dim(`${verdict.scheduled} activities scheduled, ${executions} executions`),
        ],
        ['peak memory, host', megabytes(hostUse?.peakRss), dim('VmHWM of the host process')],
        [
          'peak memory, worker',
          megabytes(workerUse?.peakRss),
          dim("VmHWM of the host's Node worker, which runs the app"),
        ],
        ['peak memory, Azurite', megabytes(azuriteUse?.peakRss), dim('VmHWM of the Azurite process')],
        ['CPU time, host', seconds(hostUse?.cpuSeconds), dim('user + system, during the wall time')],
        ['CPU time, worker', seconds(workerUse?.cpuSeconds), dim('user + system, during the wall time')],
        ['CPU time, Azurite', seconds(azuriteUse?.cpuSeconds), dim('user + system, during the wall time')],
      ]);
    } finally {
      processes.stop();
      await host.stop();
    }
  } finally {
    await azurite.stop();
  }

  return printOutcome(
    brokenPromises(verdict),
    `All ${instances} jobs completed, each with its ${images} thumbnails and its manifest.`,
  );
}

runCli(main, usage);
