import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobServiceClient } from '@azure/storage-blob';
import {
  connectionStringFor,
  endpointsFor,
  claimSharedAccountNow,
  freePorts,
  startAzurite,
  UNREACHABLE_STORAGE,
  type RunningAzurite,
} from '@workshop/azurite';
import {
  builtFileFor,
  CRASH_LEASES_SETTING,
  endNotedLeases,
  spawnHost,
  switchesOff,
  type SpawnedHost,
} from '@workshop/host/launcher';
import { seedSamples } from '@workshop/samples';
import { labAppCode, labAppDir } from './app-dir.ts';
import { SupervisedHost } from './supervised-host.ts';
import {
  DurableInspector,
  runawayProblem,
  taskHubName,
  type OrchestrationStatus,
  type StatusOptions,
} from './durable.ts';
import { measurePayloads, type PayloadReport } from './payloads.ts';

/** The hosts of this test file's lab apps, for checks that must not wait on a blocked worker. */
const runningHosts = new Set<{ logs(): string }>();

/**
 * Why a check need not run: an orchestrator of a running lab app loops without yielding, so its
 * worker is blocked and the check would only wait for it (a minute or more each).
 */
export function blockedWorker(): string | undefined {
  for (const host of runningHosts) {
    const problem = runawayProblem(host.logs());
    if (problem) return problem;
  }
  return undefined;
}

export interface LabAppOptions {
  /** The app folder; defaults to the one the checkpoint runner chose (WORKSHOP_APP_DIR). */
  dir?: string;
  /**
   * `azurite` (the default): empty storage, an account of its own in the Azurite the lab runner
   * shares between app starts (WORKSHOP_SHARED_AZURITE), else a fresh in-memory Azurite on free ports.
   * `unreachable`: `AzureWebJobsStorage` points at a port nobody listens on, to check what the
   * app answers when storage is down.
   */
  storage?: 'azurite' | 'unreachable';
  /** Upload the sample images into the `samples` container before the checks run. */
  seed?: boolean;
  /**
   * Extra app settings; they win over local.settings.json and over the test storage account.
   * The workshop switches (`WORKSHOP_DURABLE_STRICT_64KB`, `…_PERTURB_REPLAY`,
   * `…_CRASH_AFTER_ACTIVITY`) are off unless given here: one a learner left on in
   * local.settings.json, or in the shell, does not reach the check's host.
   */
  env?: Record<string, string>;
  /**
   * Durable Functions time. `real` (default); `virtual`: moves only with `app.clock.advance`;
   * `auto`: virtual, and skips to the next durable timer whenever the app is idle — a one-hour
   * timer fires at once, at exactly the right virtual time.
   */
  clock?: 'real' | 'virtual' | 'auto';
  /**
   * What the host serves: `source` (the app's TypeScript, no build step) or `built` (exactly the
   * built files package.json `main` names, as `func start` after `npm run build`). Defaults to
   * the runner's choice, WORKSHOP_APP_CODE, else `source`.
   */
  appCode?: 'source' | 'built';
}

export interface LabApp {
  /** The host's origin, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly dir: string;
  /** `fetch` against the host: `app.fetch('/api/hello?name=Ada')`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** The storage account the app's `AzureWebJobsStorage` points at. */
  readonly blobs: BlobServiceClient;
  readonly connectionString: string;
  /** Everything the host has printed so far (function logs included), across restarts. */
  logs(): string;
  stop(): Promise<void>;
  /**
   * Stops the host — with `kill: true` as `kill -9` would, mid-work — and starts it again on
   * the same port and storage, as after a crash. Azurite keeps running throughout.
   */
  restartHost(options?: { kill?: boolean }): Promise<void>;
  /** The host's durable clock. */
  readonly clock: { advance(ms: number): Promise<Date>; now(): Promise<Date> };

  /** An orchestration's status, through the public management API; undefined when unknown. */
  status(instanceId: string, options?: StatusOptions): Promise<OrchestrationStatus | undefined>;
  /** Resolves once the orchestration is Completed, Failed or Terminated. */
  waitForCompletion(instanceId: string, options?: { timeoutMs?: number }): Promise<OrchestrationStatus>;
  /**
   * Resolves with the first status that satisfies `until`, e.g. a custom status: how a check
   * waits for an orchestration to reach a point before it acts (uploads a blob, moves the clock).
   */
  waitForStatus(
    instanceId: string,
    until: (status: OrchestrationStatus) => boolean,
    options?: { timeoutMs?: number; what?: string },
  ): Promise<OrchestrationStatus>;
  /**
   * Resolves once the app has nothing left to do: no orchestration, entity operation or activity
   * running or waiting in its queues. Durable timers not yet due do not count. A check that
   * waits for something the app should do can stop waiting then: it will not happen.
   */
  whenIdle(): Promise<void>;
  /** The instance's rows of the `{Hub}History` table, in order. */
  history(instanceId: string): Promise<Array<Record<string, unknown>>>;
  /**
   * The payload meter: the size of every input, output and custom status the instance stored
   * (History rows, the Instances row, the large-message blobs they point to), and its blobs
   * in `{hub}-largemessages`.
   */
  payloads(instanceId: string): Promise<PayloadReport>;
  /**
   * Imports one of the app's modules into the checks' process, by its source path
   * (`src/lib/storage-names.ts`); with `appCode: 'built'`, the file tsc built from it
   * (`dist/src/lib/storage-names.js`), so the checks test what the host serves.
   */
  loadModule(sourceFile: string): Promise<unknown>;
}

/**
 * Starts the local Functions host on the app folder, the way `func start` would run it, with
 * `AzureWebJobsStorage` pointing at empty storage: an account of its own in the runner's shared
 * Azurite, or a fresh in-memory Azurite. A fresh one and the host start side by side: Azurite's
 * ports are chosen first, so the host knows its connection string at once.
 *
 * A host that dies (the lab 09 crash switch, a crash of the host itself) is started again on the
 * same port and storage. After the crash switch, the leases the dead host held end as soon as it
 * is back: time is virtual for leases as for timers, and the work item shows again at once.
 */
export async function startLabApp(options: LabAppOptions = {}): Promise<LabApp> {
  // Azurite's ports are learnt before it binds them; on a busy machine another process can take
  // one in between (CI saw it: 4 lab runs at once). Then both start again on other ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLabAppOnce(options);
    } catch (error) {
      if (attempt >= PORT_RACE_ATTEMPTS || !(error instanceof PortTakenError)) throw error;
    }
  }
}

const PORT_RACE_ATTEMPTS = 3;

/** Azurite could not bind the ports chosen for it a moment before. */
class PortTakenError extends Error {
  override name = 'PortTakenError';
}

/**
 * One attempt. `ports` (tests only) are Azurite's, instead of three that are free a moment before.
 * When Azurite fails, the host's start ends with it: the host would wait a minute for storage.
 */
export async function startLabAppOnce(options: LabAppOptions, ports?: readonly number[]): Promise<LabApp> {
  const dir = options.dir ?? labAppDir();
  let connectionString = UNREACHABLE_STORAGE;
  let storage: Promise<Storage | undefined> = Promise.resolve(undefined);
  const storageFailed = new AbortController();
  const seed = async (connection: string) => {
    if (options.seed) await seedSamples((await blobService(connection)).getContainerClient('samples'));
  };
  // An account of its own in the Azurite the runner shares between runs (issue #14), else an
  // Azurite of its own. The account is claimed before that Azurite is up: the host starts beside it.
  const shared = (options.storage ?? 'azurite') === 'azurite' && !ports ? await claimSharedAccountNow() : undefined;
  if (shared) {
    connectionString = shared.connectionString;
    storage = shared.up.then(() => seed(connectionString)).then(() => ({ stop: async () => undefined }));
  } else if ((options.storage ?? 'azurite') === 'azurite') {
    const [blobPort = 0, queuePort = 0, tablePort = 0] = ports ?? (await freePorts(3));
    connectionString = connectionStringFor(endpointsFor({ blobPort, queuePort, tablePort }));
    storage = startAzurite({ blobPort, queuePort, tablePort }).then(async (azurite) => {
      await seed(azurite.connectionString).catch(async (error: unknown) => {
        await azurite.stop();
        throw error;
      });
      return azurite;
    });
  }
  storage.catch((error: unknown) => storageFailed.abort(error));
  const crashLeasesFile = join(tmpdir(), 'workshop-crash-leases', `${randomUUID()}.jsonl`);
  const hostOptions = {
    appDir: dir,
    env: {
      AzureWebJobsStorage: connectionString,
      // A short queue lease: after a kill, unfinished work reappears in 2 s rather than 10.
      WORKSHOP_DURABLE_LEASE_MS: '2000',
      // After a crash of the lab 09 switch, the leases it noted end at once (SupervisedHost).
      [CRASH_LEASES_SETTING]: crashLeasesFile,
      // An orchestrator that loops without yielding is named after 3 s rather than 10: a check's
      // episodes replay a few hundred events at most, in milliseconds.
      WORKSHOP_DURABLE_SLOW_EPISODE_MS: '3000',
      // Exactly the workshop switches the check asks for: the others off, whatever local.settings.json says.
      ...switchesOff(),
      ...options.env,
    },
    ...(options.clock ? { clock: options.clock } : {}),
    appCode: options.appCode ?? labAppCode(),
  };
  const [storageResult, hostResult] = await Promise.allSettled([
    storage,
    spawnHost({ ...hostOptions, port: 0, signal: storageFailed.signal }),
  ]);
  if (storageResult.status === 'rejected' || hostResult.status === 'rejected') {
    await stopAll(settledValue(hostResult), settledValue(storageResult));
    if (storageResult.status === 'rejected' && /already in use/.test(String(storageResult.reason?.message))) {
      throw new PortTakenError(String(storageResult.reason.message), { cause: storageResult.reason });
    }
    throw storageResult.status === 'rejected' ? storageResult.reason : (hostResult as PromiseRejectedResult).reason;
  }
  // Virtual time for a lease (issue #14): the crashed host's work items show again as soon as
  // the host is back, not a lease later. What the check sees is what the lease's end brings.
  const host = new SupervisedHost(hostOptions, hostResult.value, () =>
    endNotedLeases(crashLeasesFile, connectionString),
  );
  const azurite = storageResult.value;
  const fetchFromHost = (path: string, init?: RequestInit) => host.fetch(path, init);
  const durable = new DurableInspector(fetchFromHost, connectionString, taskHubName(dir), () => host.logs());
  runningHosts.add(host);
  return {
    url: host.url,
    dir,
    blobs: await blobService(connectionString),
    connectionString,
    fetch: fetchFromHost,
    logs: () => host.logs(),
    // The host first: stopping storage under a running host would leave it retrying.
    stop: async () => {
      runningHosts.delete(host);
      await host.stop().catch(() => undefined);
      await azurite?.stop();
      // Leases noted by a crash the check did not wait to see ended.
      rmSync(crashLeasesFile, { force: true });
    },
    restartHost: (restart = {}) => host.restart(restart.kill ?? false),
    clock: {
      advance: (ms) => host.current.advanceClock(ms),
      now: () => host.current.now(),
    },
    status: (id, statusOptions) => durable.status(id, statusOptions),
    waitForCompletion: (id, waitOptions) => durable.waitForCompletion(id, waitOptions),
    waitForStatus: (id, until, waitOptions) => durable.waitForStatus(id, until, waitOptions),
    whenIdle: () => host.current.whenIdle(),
    history: (id) => durable.history(id),
    payloads: (id) => measurePayloads(connectionString, taskHubName(dir), id),
    loadModule: (sourceFile) =>
      import(
        hostOptions.appCode === 'built' ? builtFileFor(dir, sourceFile) : join(dir, sourceFile)
      ) as Promise<unknown>,
  };
}

/**
 * The storage SDK's client, loaded once the host is on its way: a check's process imports the
 * test kit before its first check, and the SDK would delay the host's start by its own load.
 */
async function blobService(connectionString: string): Promise<BlobServiceClient> {
  const { BlobServiceClient } = await import('@azure/storage-blob');
  return BlobServiceClient.fromConnectionString(connectionString);
}

function settledValue<T>(result: PromiseSettledResult<T>): T | undefined {
  return result.status === 'fulfilled' ? result.value : undefined;
}

/** The storage a lab app was given: an Azurite of its own, or an account in a shared one (nothing to stop). */
type Storage = Pick<RunningAzurite, 'stop'>;

async function stopAll(host: SpawnedHost | undefined, azurite: Storage | undefined): Promise<void> {
  await host?.stop().catch(() => undefined);
  await azurite?.stop().catch(() => undefined);
}
