// npm run faults -- [--seed N] [--jobs N] [--images N] [--kills N] [--worker-kills N] [--timeout S] [--logs FILE] [--keep-storage] [--ci]
//
// The fault-injection suite of GitHub issues #6 and #10. First, many thumbnail jobs of the lab
// 06 solution in flight while the host is killed (SIGKILL, no clean-up) at random moments and
// started again on the same storage, its Node worker is killed under it, and Azurite itself is
// restarted with its data on disk. The promises checked afterwards: every job completes, none
// is lost, each manifest lists each thumbnail once and each thumbnail blob is there once under
// its deterministic name, the History table holds each activity scheduled once and answered
// once. Activities may run more than once (at least once is the engine's promise): those
// re-runs are counted, not failed. Then a learner's mistakes in the same app (an async
// orchestrator, an input nobody validated that runs the worker out of memory): the host must
// outlive them, the management API and another function must keep answering, and each
// instance must end — Failed, or Terminated as poison — never stay Pending or Running.
// The jobs also keep a durable entity up to date (entity-counter.ts): a counter they signal once
// per thumbnail and call once at the end; after the kills, every operation their histories sent
// must have been applied exactly once, none lost and none applied twice.
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
import { answeredWith, LatencyProbe, type ProbeFigures } from './lib/latency-probe.ts';
import { ASYNC_ORCHESTRATOR, lab06WithMistakes, RUNAWAY_ORCHESTRATOR } from './lib/learner-mistakes.ts';
import { brokenPromises, judgeFleet, type FleetVerdict } from './lib/fleet-verdict.ts';
import {
  addEntityCounter,
  COUNTED_ORCHESTRATOR,
  COUNTER_ROUTE,
  judgeCounter,
  readCounterEvidence,
  type CounterVerdict,
} from './lib/entity-counter.ts';
import { dim } from './lib/style.ts';
import {
  JobWatcher,
  jobSpecs,
  jobStatus,
  seedImages,
  startJobs,
  TERMINAL,
  type StartedJob,
} from './lib/thumbnail-fleet.ts';

const usage = `Usage: npm run faults -- [--seed N] [--jobs N] [--images N] [--kills N] [--worker-kills N] [--timeout S] [--logs FILE] [--keep-storage] [--ci]
  Kills the host and its worker while they run thumbnail jobs of the lab 06 solution, restarts
  Azurite under them, and checks that every job completes with its outputs exactly once and the
  entity counter the jobs signal and call applied each of their operations exactly once; then
  runs a learner's mistakes (an async orchestrator, an unvalidated input that runs the worker
  out of memory) and checks that the host keeps answering and every instance ends.
  --seed      the schedule of faults (default: a new one, printed so the run can be repeated)
  --jobs      orchestrations in flight (default 40)
  --images    images per job (default 4)
  --kills     SIGKILLs of the host (default 5)
  --worker-kills  SIGKILLs of its Node worker (default 3)
  --timeout   seconds the jobs may take after the last fault (default 60)
  --logs      where to write everything the host printed, all its lives (default: the temp folder)
  --keep-storage  keep Azurite's folder afterwards (its tables and queues), to look into a failure
  --ci        the continuous-integration size: 30 jobs of 3 images, 30 s at most after the last kill`;

/** The test kit's short lease: a killed host's messages reappear after 2 s rather than 10. */
const LEASE_MS = 2000;

/** A generator of numbers in [0, 1) that depends on the seed only: a SHA-256 counter. */
function seededRandom(seed: number): () => number {
  let counter = 0;
  return () => createHash('sha256').update(`${seed}:${counter++}`).digest().readUInt32BE(0) / 2 ** 32;
}

interface Kill {
  /** The host process (restarted by this tool), or only its Node worker (replaced by the host). */
  target: 'host' | 'worker';
  /** Strike once the jobs have recorded this share of their thumbnails (0 to 1)… */
  atProgress: number;
  /** …and this many milliseconds later (once this life of the host has started an activity). */
  delayMs: number;
  /** Kill Azurite too (SIGKILL), while the host is down, and start it again before the host. */
  restartAzurite: boolean;
}

/**
 * The kills, at random points of the work from start to end (early: while the jobs list their
 * images; late: while they write manifests and complete). One of the earlier half, chosen at
 * random too, also restarts Azurite: while the host is down, because the lab 06 app fails a job whose
 * activity finds storage unreachable (as its guide says), and the suite holds the app to its
 * own promises.
 */
function planKills(random: () => number, kills: number, workerKills: number): Kill[] {
  const points = Array.from({ length: kills }, () => 0.95 * random()).sort((a, b) => a - b);
  // Among the earlier kills, which always happen: the run fails with fewer than half of them.
  const withAzurite = Math.floor(random() * Math.ceil(kills / 2));
  const hostKills = points.map((atProgress, i): Kill => ({
    target: 'host',
    atProgress,
    delayMs: Math.floor(random() * 250),
    restartAzurite: i === withAzurite,
  }));
  const workerKillPoints = Array.from({ length: workerKills }, (): Kill => ({
    target: 'worker',
    atProgress: 0.95 * random(),
    delayMs: Math.floor(random() * 250),
    restartAzurite: false,
  }));
  return [...hostKills, ...workerKillPoints].sort((a, b) => a.atProgress - b.atProgress);
}

interface FaultOptions {
  jobs: number;
  images: number;
  plan: Kill[];
  timeoutMs: number;
  logFile: string;
  /** Leave Azurite's folder for whoever has to find out what went wrong. */
  keepStorage: boolean;
  /** The lab 06 solution with a learner's mistakes added. */
  appDir: string;
}

/**
 * The jobs face a crash storm: 8 kills within seconds, each handing the work in flight back to
 * its queue, so one work item can be dequeued more often than the default maxDequeueCount (5)
 * and become a poison message, as it would in Azure. That phase tests recovery, not poison
 * handling: it runs with #1063's threshold of 20. The mistakes run with the app's own settings.
 */
const CRASH_STORM_SETTINGS = { AzureFunctionsJobHost__extensions__durableTask__storageProvider__maxDequeueCount: '20' };

/**
 * The runaway mistake fills the worker's heap on every try: 3–4 s of one core each time at the
 * host's default 512 MB, six times before its message is poison. A smaller heap, set as an app
 * would set it (languageWorkers__node__arguments), ends each try sooner; what happens is the same.
 */
const MISTAKES_WORKER_HEAP = { languageWorkers__node__arguments: '--max-old-space-size=128' };

/** How many of each mistake run at once. */
const ASYNC_INSTANCES = 3;
const RUNAWAY_INSTANCES = 1;

/**
 * Phase two: the learner's mistakes, on the host that survived the kills. While they run (and
 * the runaway one crash-loops the worker until its message is poison), the management API and
 * the app's hello function are asked every 250 ms. Resolves when every mistake has ended, or
 * after the timeout with what they were last.
 */
async function runMistakes(hostUrl: string, container: string): Promise<MistakesRun> {
  const began = performance.now();
  const managementApi = new LatencyProbe(`${hostUrl}/runtime/webhooks/durabletask/instances?top=1`, {
    intervalMs: 250,
    slowMs: 2000,
  });
  const httpFunction = new LatencyProbe(`${hostUrl}/api/hello?name=probe`, { intervalMs: 250, slowMs: 2000 });
  const start = async (name: string, input: unknown): Promise<string> => {
    const response = await fetch(`${hostUrl}/runtime/webhooks/durabletask/orchestrators/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    if (response.status !== 202)
      throw new Error(`starting ${name} answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { id: string }).id;
  };
  const names = new Map<string, string>();
  const outcomes = new Map<string, { name: string; runtimeStatus: string; output: unknown }>();
  const deadline = Date.now() + MISTAKES_TIMEOUT_MS;
  const untilEnded = async (): Promise<void> => {
    while (Date.now() < deadline) {
      for (const [id, name] of names) {
        const status = await jobStatus(hostUrl, id).catch(() => undefined);
        if (status) outcomes.set(id, { name, runtimeStatus: status.runtimeStatus, output: status.output });
      }
      if (outcomes.size === names.size && [...outcomes.values()].every((o) => TERMINAL.has(o.runtimeStatus))) return;
      // Not synchronisation: the pace of the status checks.
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  for (let i = 0; i < ASYNC_INSTANCES; i++) names.set(await start(ASYNC_ORCHESTRATOR, container), ASYNC_ORCHESTRATOR);
  // One mistake at a time, as a learner makes them: a runaway blocks the worker's only thread
  // until it runs out of memory, and takes every episode queued behind it down with it. An
  // async instance retried beside it comes back on the same backoff, so it can be taken down
  // five times in a row and end as poison (seed 2139138180), which is what the real host does
  // too, and not what this proof is about.
  await untilEnded();
  for (let i = 0; i < RUNAWAY_INSTANCES; i++)
    names.set(await start(RUNAWAY_ORCHESTRATOR, { container, batchSize: 0 }), RUNAWAY_ORCHESTRATOR);
  await untilEnded();
  return {
    outcomes,
    managementApi: await managementApi.stop(),
    httpFunction: await httpFunction.stop(),
    wallSeconds: (performance.now() - began) / 1000,
  };
}

/** Enough for a poison message: five crashes of the worker, and the waits between them. */
const MISTAKES_TIMEOUT_MS = 120_000;

/** What the mistakes must have come to: each instance ended as the platform ends it; the host answered throughout. */
function brokenByMistakes(run: MistakesRun): string[] {
  const problems: string[] = [];
  for (const [id, { name, runtimeStatus, output }] of run.outcomes) {
    const text = typeof output === 'string' ? output : JSON.stringify(output);
    if (
      name === ASYNC_ORCHESTRATOR &&
      !(runtimeStatus === 'Failed' && text.includes('generator.next is not a function'))
    ) {
      problems.push(
        `${name} ${id} should have ended Failed with the SDK's message; it is ${runtimeStatus}: ${text.slice(0, 200)}`,
      );
    }
    if (
      name === RUNAWAY_ORCHESTRATOR &&
      !(runtimeStatus === 'Terminated' && text.includes('poison message threshold'))
    ) {
      problems.push(
        `${name} ${id} should have been terminated as a poison message; it is ${runtimeStatus}: ${text.slice(0, 200)}`,
      );
    }
  }
  if (run.outcomes.size < ASYNC_INSTANCES + RUNAWAY_INSTANCES) problems.push('some mistakes never had a status');
  for (const [what, probe] of [
    ['the management API', run.managementApi],
    ['the hello function', run.httpFunction],
  ] as const) {
    if (probe.failures.length > 0)
      problems.push(
        `${what} did not answer ${probe.failures.length} of ${probe.sent} requests: ${[...new Set(probe.failures)].slice(0, 3).join('; ')}`,
      );
  }
  // The host's own API never waits for the worker; a function does, and fails (500) when the worker dies under it, as on Azure.
  const managementOk = answeredWith(run.managementApi, 200);
  if (managementOk !== run.managementApi.sent)
    problems.push(
      `the management API answered ${run.managementApi.sent - managementOk} of ${run.managementApi.sent} requests with another status than 200`,
    );
  const helloOther =
    run.httpFunction.sent -
    run.httpFunction.failures.length -
    answeredWith(run.httpFunction, 200) -
    answeredWith(run.httpFunction, 500);
  if (helloOther > 0) problems.push(`the hello function answered ${helloOther} request(s) with neither 200 nor 500`);
  if (run.managementApi.slow > 0)
    problems.push(
      `the management API took over 2 s to answer ${run.managementApi.slow} time(s) while the worker crashed (slowest ${Math.round(run.managementApi.slowestMs)} ms)`,
    );
  return problems;
}

interface FaultRun {
  jobs: StartedJob[];
  killed: number;
  workersKilled: number;
  azuriteRestarts: number;
  /** Activity executions the host started, all lives together. */
  executions: number;
  crashes: readonly string[];
  wallSeconds: number;
  verdict: FleetVerdict;
  counter: CounterVerdict;
  mistakes: MistakesRun;
  /** Worker exits the host reported, every life together (the kills, the mistakes). */
  workerExits: number;
}

interface MistakesRun {
  /** Instance id → how it ended (or its last status), and its output. */
  outcomes: Map<string, { name: string; runtimeStatus: string; output: unknown }>;
  managementApi: ProbeFigures;
  httpFunction: ProbeFigures;
  wallSeconds: number;
}

/**
 * Azurite with its data on disk, on ports fixed once: started again, it is the same storage
 * account. It runs as `npm start` runs it, answering only once a change is saved, so it can be
 * killed without a word (SIGKILL) and lose nothing it confirmed.
 */
async function diskAzurite(
  dir: string,
): Promise<{ current(): RunningAzurite; kill(): Promise<void>; stop(): Promise<void> }> {
  const [blobPort, queuePort, tablePort] = await freePorts(3);
  const options: AzuriteOptions = {
    location: dir,
    blobPort: blobPort!,
    queuePort: queuePort!,
    tablePort: tablePort!,
    saveBeforeAnswering: true,
  };
  let azurite = await startAzurite(options);
  return {
    current: () => azurite,
    kill: async () => {
      const gone = new Promise((resolve) => azurite.process.once('exit', resolve));
      azurite.process.kill('SIGKILL');
      await gone;
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
    const host = await FleetHost.start({
      connectionString,
      port: port!,
      leaseMs: LEASE_MS,
      appDir: options.appDir,
      env: CRASH_STORM_SETTINGS,
    });
    let mistakesHost: FleetHost | undefined;
    try {
      const began = performance.now();
      // lab 06's orchestrator, run by one that also keeps the entity counter (entity-counter.ts).
      const jobs = await startJobs(host.url, specs, 10, COUNTED_ORCHESTRATOR);
      const watcher = new JobWatcher(host.url, jobs, 200);
      let killed = 0;
      let workersKilled = 0;
      let azuriteRestarts = 0;
      for (const kill of options.plan) {
        // Each life works before it is killed. One that makes no progress for the whole timeout
        // is stuck: stop killing, the verdict says what is lost.
        const moment = await Promise.race([
          Promise.all([watcher.whenProgress(kill.atProgress), host.whenActivitiesStarted(1)]).then(
            () => 'working' as const,
          ),
          watcher.whenAllEnded(options.timeoutMs).then(() => 'ended or stuck' as const),
        ]);
        if (moment !== 'working' || watcher.finishedAt !== undefined) break;
        // Not synchronisation: the delay is part of the kill's random moment.
        await new Promise((resolve) => setTimeout(resolve, kill.delayMs));
        if (kill.target === 'worker') {
          if (await host.killWorker()) workersKilled++;
          console.log(
            dim(
              `worker kill ${workersKilled}: ${Math.round(100 * watcher.progress)}% of the thumbnails recorded, ${watcher.ended}/${jobs.length} jobs ended`,
            ),
          );
          continue;
        }
        await host.kill();
        killed++;
        if (kill.restartAzurite) {
          await storage.kill();
          azuriteRestarts++;
        }
        await host.restart();
        const what = `host kill ${killed}/${options.plan.filter((k) => k.target === 'host').length}${kill.restartAzurite ? ' and Azurite killed (SIGKILL) and started again' : ''}`;
        console.log(
          dim(
            `${what}: ${Math.round(100 * watcher.progress)}% of the thumbnails recorded, ${watcher.ended}/${jobs.length} jobs ended`,
          ),
        );
      }
      await watcher.whenAllEnded(options.timeoutMs);
      watcher.stop();
      const wallSeconds = ((watcher.finishedAt ?? performance.now()) - began) / 1000;
      const verdict = await judgeFleet(host.url, blobs, connectionString, jobs);
      const counter = judgeCounter(await readCounterEvidence(host.url, connectionString, jobs));
      const executions = [...host.executions.values()].reduce((a, b) => a + b, 0);
      // The mistakes run on a host with the app's own settings: the default maxDequeueCount.
      await host.stop();
      mistakesHost = await FleetHost.start({
        connectionString,
        port: port!,
        leaseMs: LEASE_MS,
        appDir: options.appDir,
        env: MISTAKES_WORKER_HEAP,
      });
      const mistakes = await runMistakes(mistakesHost.url, specs[0]!.container);
      const crashes = [...host.crashes, ...mistakesHost.crashes];
      return {
        jobs,
        killed,
        workersKilled,
        azuriteRestarts,
        executions,
        crashes,
        wallSeconds,
        verdict,
        counter,
        mistakes,
        workerExits: host.workerExits + mistakesHost.workerExits,
      };
    } finally {
      await host.stop();
      await mistakesHost?.stop();
      // Every life of the host, for whoever has to find out what went wrong.
      writeFileSync(
        options.logFile,
        host.logs() + (mistakesHost ? `\n--- the learner's mistakes ---\n${mistakesHost.logs()}` : ''),
      );
    }
  } finally {
    await storage.stop();
    if (options.keepStorage) console.log(`Azurite's folder, kept: ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number | void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      jobs: { type: 'string' },
      images: { type: 'string' },
      kills: { type: 'string', default: '5' },
      'worker-kills': { type: 'string', default: '3' },
      timeout: { type: 'string' },
      logs: { type: 'string' },
      'keep-storage': { type: 'boolean', default: false },
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
  const workerKills = wholeNumber('worker-kills', values['worker-kills'], 0);
  const timeoutMs = wholeNumber('timeout', values.timeout ?? (values.ci ? '30' : '60'), 1) * 1000;
  const plan = planKills(seededRandom(seed), kills, workerKills);
  const logFile = values.logs ?? join(tmpdir(), `workshop-faults-${seed}.log`);
  const again = [
    'npm run faults --',
    ...process.argv
      .slice(2)
      .filter((arg, i, args) => arg !== '--seed' && args[i - 1] !== '--seed' && !arg.startsWith('--seed=')),
    `--seed ${seed}`,
  ];
  console.log(`Seed ${seed}  ${dim(`(${again.join(' ')} repeats this schedule of kills)`)}`);

  const app = lab06WithMistakes(`faults-app-${process.pid}`);
  let run: FaultRun;
  try {
    addEntityCounter(app.dir);
    run = await runFaults({
      jobs,
      images,
      plan,
      timeoutMs,
      logFile,
      keepStorage: values['keep-storage'],
      appDir: app.dir,
    });
  } finally {
    app.remove();
  }
  const { verdict, counter } = run;
  printFigures(
    `Faults: ${run.jobs.length} thumbnail jobs of the lab 06 solution, ${images} images each (seed ${seed})`,
    [
      [
        'host kills survived (SIGKILL)',
        `${run.killed} of ${kills}`,
        run.killed < kills ? dim('the jobs ended before the last ones') : '',
      ],
      [
        'worker kills survived (SIGKILL)',
        `${run.workersKilled} of ${workerKills}`,
        run.workersKilled < workerKills ? dim('the jobs ended before the last ones') : '',
      ],
      [
        'Azurite kills (SIGKILL, data on disk)',
        `${run.azuriteRestarts} of ${plan.some((kill) => kill.restartAzurite) ? 1 : 0}`,
      ],
      ['host crashes (not ours)', String(run.crashes.length)],
      ['instances started', String(run.jobs.length)],
      ['completed', String(verdict.completed)],
      ['failed / lost', `${verdict.failed.length} / ${verdict.lost.length}`],
      ['activities scheduled', String(verdict.scheduled), dim('TaskScheduled rows in the History table')],
      ['activity executions', String(run.executions), dim("'Executing' lines of every life of the host")],
      [
        'duplicate activity executions',
        String(run.executions - verdict.scheduled),
        dim('ran again after a kill (at least once: allowed)'),
      ],
      [
        'entity operations applied once',
        counter.exactlyOnce === counter.sent && counter.problems.length === 0
          ? `exactly ${counter.sent}`
          : `${counter.exactlyOnce} of ${counter.sent}`,
        dim(
          `entity counter: ${counter.signals} signals and ${counter.calls} calls the jobs' histories sent; GET …${COUNTER_ROUTE.replace('/runtime/webhooks/durabletask', '')} says ${counter.counted ?? 'nothing'}`,
        ),
      ],
      [
        'entity operations from cut-short episodes',
        String(counter.cutShort),
        dim('sent, then the host died before the checkpoint (at least once: allowed)'),
      ],
      ['wall time', seconds(run.wallSeconds), dim('first POST → last instance seen ended')],
    ],
  );
  const { mistakes } = run;
  const ended = (name: string, status: string) =>
    [...mistakes.outcomes.values()].filter((o) => o.name === name && o.runtimeStatus === status).length;
  const latency = (probe: ProbeFigures) => `${answeredWith(probe, 200)} of ${probe.sent}`;
  printFigures("\nThen a learner's mistakes in the same app, on the host that survived", [
    [
      `${ASYNC_ORCHESTRATOR} (async/await)`,
      `${ended(ASYNC_ORCHESTRATOR, 'Failed')} of ${ASYNC_INSTANCES} Failed`,
      dim("with the SDK's message; the stray async body ended the worker"),
    ],
    [
      `${RUNAWAY_ORCHESTRATOR} (batch size 0)`,
      `${ended(RUNAWAY_ORCHESTRATOR, 'Terminated')} of ${RUNAWAY_INSTANCES} Terminated`,
      dim('as poison, after the worker ran out of memory on every try'),
    ],
    [
      'worker exits, whole run',
      String(run.workerExits),
      dim('the kills and the mistakes; the host started a new worker each time'),
    ],
    [
      'management API answered',
      latency(mistakes.managementApi),
      dim(`slowest ${Math.round(mistakes.managementApi.slowestMs)} ms (promise: under 2 s)`),
    ],
    [
      'hello function answered 200',
      latency(mistakes.httpFunction),
      dim(
        `${answeredWith(mistakes.httpFunction, 500)} × 500 (the worker died under them); slowest ${Math.round(mistakes.httpFunction.slowestMs)} ms, ${mistakes.httpFunction.slow} over 2 s (they wait for the worker)`,
      ),
    ],
    ['mistakes ended after', seconds(mistakes.wallSeconds)],
  ]);
  console.log(dim(`The host's output, all its lives: ${logFile}`));

  const problems = [
    // Late kill points (up to 95 % of the thumbnails) test the manifests and the completions;
    // now and then the jobs finish first. That is no broken promise, but too few kills prove little.
    ...(run.killed < Math.ceil(kills / 2)
      ? [`the jobs ended after ${run.killed} of ${kills} host kills: give them more work (--jobs, --images)`]
      : []),
    ...run.crashes.map((crash) => `the host crashed by itself: ${crash}`),
    ...brokenPromises(verdict),
    ...counter.problems,
    ...brokenByMistakes(mistakes),
  ];
  return printOutcome(
    problems,
    `Every promise kept through ${run.killed} host kills and ${run.workersKilled} worker kills: ${run.jobs.length} jobs completed, each output exactly once, each of the ${counter.sent} entity operations applied exactly once; every mistake ended, and the host answered throughout.`,
    ` (seed ${seed})`,
  );
}

runCli(main, usage);
