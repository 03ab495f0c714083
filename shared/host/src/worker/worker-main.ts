// The Node worker: the process that runs the app's code, as the Functions host's Node worker
// does. It loads the app (registering its functions through `@azure/functions-core`),
// reports the functions to the host, then runs one invocation for each request the host
// sends. Storage, dispatch, the durable engine and HTTP stay in the host, so whatever the app
// does here — throw, loop, run out of memory — the host survives it and starts a new worker.
//
// Started by the host (language-worker.ts) with an IPC channel: `node worker-main.ts <appDir>`,
// with `--built` to load exactly the built files `main` names (app-loader.ts, `AppCode`), and
// `--standby` to import the app's packages, then wait for its environment (specialize) before
// loading it: Azure's placeholder mode, which `npm run lab -- --watch` uses (standby-hosts.ts).

import fs from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadApp, AppLoadError, type AppCode } from './app-loader.ts';
import { FunctionsCore, installFunctionsCore } from './functions-core.ts';
import { invoke } from './invoke.ts';
import { prepareToCompile } from './typescript-loader.ts';
import { runOrchestratorEpisode } from './perturb-replay.ts';
import { replaceEnvironment } from '../settings.ts';
import {
  toWorkerError,
  type FunctionDefinition,
  type HostToWorker,
  type WorkerInvocation,
  type WorkerToHost,
} from '../worker-protocol.ts';

/** The capabilities the Node worker is told about by the host (WorkerInitRequest). */
const HOST_CAPABILITIES = {
  RawHttpBodyBytes: 'true',
  RpcHttpTriggerMetadataRemoved: 'true',
  RpcHttpBodyOnly: 'true',
  IgnoreEmptyValuedRpcHttpHeaders: 'true',
  UseNullableValueDictionaryForHttp: 'true',
  WorkerStatus: 'true',
  TypedDataCollection: 'true',
  HandlesWorkerTerminateMessage: 'true',
};

function send(message: WorkerToHost): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/**
 * As the Node worker does: an uncaught exception (or an unhandled rejection, which Node turns
 * into one) is logged, then the worker exits and the host starts another. The log goes over
 * the IPC channel, after everything sent before it, so an invocation's answer that was
 * already on its way still arrives.
 */
function exitOnUncaughtException(): void {
  process.on('uncaughtException', (err: unknown) => {
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    const message = `Worker uncaught exception (learn more: https://go.microsoft.com/fwlink/?linkid=2097909 ): ${text}`;
    void send({ type: 'log', level: 'error', category: 'system', message }).finally(() => process.exit(1));
  });
}

function definitionOf(fn: FunctionDefinition): FunctionDefinition {
  // Metadata is JSON by nature (the real worker sends it as protobuf); a round trip keeps
  // anything that cannot cross the channel out of it.
  return {
    id: fn.id,
    name: fn.name,
    metadata: JSON.parse(JSON.stringify(fn.metadata)) as FunctionDefinition['metadata'],
  };
}

async function start(appDir: string, appCode: AppCode): Promise<FunctionsCore> {
  const core = new FunctionsCore((entry) => {
    void send({
      type: 'log',
      level: entry.level,
      category: entry.category,
      message: entry.message,
      ...(entry.functionName ? { functionName: entry.functionName } : {}),
      ...(entry.invocationId ? { invocationId: entry.invocationId } : {}),
    });
  });
  installFunctionsCore(core);
  try {
    await loadApp(appDir, core, appCode);
    const capabilities = await core.programmingModel?.getCapabilities?.(HOST_CAPABILITIES);
    if (capabilities?.HttpUri) {
      throw new AppLoadError(
        'The app enables HTTP streaming (app.setup({ enableHttpStream: true })), which this local host does not support yet.',
      );
    }
    await core.runAppStart(appDir);
  } finally {
    core.indexingLocked = true;
  }
  return core;
}

async function run(core: FunctionsCore, id: number, invocation: WorkerInvocation): Promise<void> {
  const fn = core.functions.get(invocation.functionId);
  if (!fn) {
    await send({
      type: 'invocation-failed',
      id,
      error: { name: 'Error', message: `The worker has no function with id '${invocation.functionId}'.` },
    });
    return;
  }
  try {
    // WORKSHOP_DURABLE_PERTURB_REPLAY (lab 08): a replay sees another clock and random source.
    // Said just before the app's code runs: a worker that dies before that never ran it (the
    // invocation waited behind another that blocked the worker), and the host sends it on.
    const started = () => void send({ type: 'invocation-started', id });
    const response = await runOrchestratorEpisode(invocation.orchestratorReplay === true, () =>
      invoke(
        core,
        fn,
        {
          invocationId: invocation.invocationId,
          inputData: invocation.inputData,
          triggerMetadata: invocation.triggerMetadata,
        },
        started,
      ),
    );
    await send({ type: 'invocation-response', id, response });
  } catch (err) {
    await send({ type: 'invocation-failed', id, error: toWorkerError(err) });
  }
}

/**
 * The host going away (killed, or crashed) takes its worker with it. The IPC channel's
 * 'disconnect' says so — unless the app's code blocks the event loop (a loop that never ends),
 * and then nothing in this thread runs again: a thread of its own notices that the host is gone
 * (this process has another parent) and ends the process, so no orphan keeps a core busy.
 * The host's pid comes from the host (`--host-pid`), not from the thread: on a busy machine the
 * thread can start after the host was killed, and then its own parent is already the reaper.
 */
function exitWithTheHost(hostPid: number, kernelWatch: boolean): void {
  process.once('disconnect', () => process.exit(0));
  // The kernel's parent-death signal (setpriv --pdeathsig, set before node started) ends this
  // process when the host dies from now on; a host that died before it was set is seen here.
  if (kernelWatch) {
    if (process.ppid !== hostPid) process.kill(process.pid, 'SIGKILL');
    return;
  }
  const watchdog = new Worker(
    `const host = ${hostPid};
     const check = () => { if (process.ppid !== host) process.kill(process.pid, 'SIGKILL'); };
     check();
     setInterval(check, 500);`,
    { eval: true },
  );
  watchdog.unref();
}

/**
 * Imports the packages the app's package.json lists, as the app will (resolved from its folder):
 * the app's own import then finds them loaded. None of them registers anything when imported
 * (`@azure/functions` sets its programming model on the first registration). One that fails is
 * left for the app's import to report.
 */
async function importPackagesOf(appDir: string): Promise<void> {
  let dependencies: Record<string, unknown> = {};
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, unknown>;
    };
    dependencies = manifest.dependencies ?? {};
  } catch {
    return;
  }
  // Resolved as the app's own `import` will resolve them (the ESM build of a package that has
  // two), from the app's folder: the app's import then finds the very same modules loaded.
  const fromApp = pathToFileURL(path.join(appDir, 'package.json')).href;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (!specifier.startsWith(AS_THE_APP)) return nextResolve(specifier, context);
      return nextResolve(specifier.slice(AS_THE_APP.length), { ...context, parentURL: fromApp });
    },
  });
  await Promise.all(
    Object.keys(dependencies).map(async (name) => {
      try {
        await import(`${AS_THE_APP}${name}`);
      } catch {
        // The app's own import says what is wrong.
      }
    }),
  );
}

/** A specifier that the worker in standby imports as if from the app's folder. */
const AS_THE_APP = 'workshop-standby-as-the-app:';

/**
 * Standby: the app's packages load now, and its TypeScript is compiled; the environment, then the
 * app, come with `specialize`.
 */
async function specialized(appDir: string, appCode: AppCode): Promise<void> {
  const env = new Promise<Record<string, string>>((resolve) => {
    const onMessage = (message: HostToWorker) => {
      if (message?.type !== 'specialize') return;
      process.off('message', onMessage);
      resolve(message.env);
    };
    process.on('message', onMessage);
  });
  await importPackagesOf(appDir);
  if (appCode === 'source') prepareToCompile(appDir);
  const variables = await env;
  replaceEnvironment(variables);
}

async function main(
  appDir: string,
  appCode: AppCode,
  standby: boolean,
  hostPid: number,
  kernelWatch: boolean,
): Promise<void> {
  exitOnUncaughtException();
  exitWithTheHost(hostPid, kernelWatch);
  // Ctrl+C in a terminal reaches the whole process group, this worker too: the host stops it
  // (appTerminate hooks, then exit), so it does not die first and look like a crash.
  process.on('SIGINT', () => undefined);
  if (standby) await specialized(appDir, appCode);

  let core: FunctionsCore;
  try {
    core = await start(appDir, appCode);
  } catch (err) {
    const message =
      err instanceof AppLoadError ? err.message : `The app failed to start: ${(err as Error)?.message ?? String(err)}`;
    await send({ type: 'load-error', message });
    process.exit(1);
  }

  process.on('message', (message: HostToWorker) => {
    switch (message?.type) {
      case 'invoke':
        void run(core, message.id, message.invocation);
        break;
      case 'environment':
        Object.assign(process.env, message.variables);
        break;
      case 'terminate':
        void core
          .runAppTerminate()
          .catch((err: unknown) =>
            send({
              type: 'log',
              level: 'warning',
              category: 'system',
              message: `An appTerminate hook failed: ${(err as Error)?.message ?? String(err)}`,
            }),
          )
          .then(() => send({ type: 'terminated' }))
          .finally(() => process.exit(0));
        break;
    }
  });
  await send({ type: 'indexed', functions: [...core.functions.values()].map(definitionOf) });
}

const [appDir, ...flags] = process.argv.slice(2);
const HOST_PID = /^--host-pid=(\d+)$/;
const FLAGS = new Set(['--built', '--standby', '--kernel-watch']);
if (!appDir || flags.some((flag) => !FLAGS.has(flag) && !HOST_PID.test(flag))) {
  process.stderr.write(
    'Usage: node worker-main.ts <appDir> [--built] [--standby] [--host-pid=N] [--kernel-watch] (started by the host, with an IPC channel)\n',
  );
  process.exit(2);
}
// Run by hand, without --host-pid: the parent it has now is the host it watches.
const hostPid = Number(flags.map((flag) => HOST_PID.exec(flag)?.[1]).find(Boolean) ?? process.ppid);
await main(
  appDir,
  flags.includes('--built') ? 'built' : 'source',
  flags.includes('--standby'),
  hostPid,
  flags.includes('--kernel-watch'),
);
