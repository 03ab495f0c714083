// Starts the Functions host for an app folder, in the order the Functions host does: app
// settings into the environment, the Node worker started (a child process that loads the app
// and reports its functions), bindings and the durable engine set up for those functions, then
// the HTTP listener. The app's code never runs in this process: a crash, a loop or an
// out-of-memory in the app takes down only the worker, which the host replaces, while storage,
// dispatch, the management API and HTTP carry on. One host per process: app settings go into
// this process's environment, which the worker inherits (use spawnHost to run several apps).

import { CRASH_AFTER_ACTIVITY_SETTING, crashAfterActivities } from './durable/fault-injection.ts';
import { PERTURB_REPLAY_SETTING, perturbReplayEnabled } from './worker/perturb-replay.ts';
import fs from 'node:fs';
import path from 'node:path';
import { blobBindingProvider } from './bindings/blob.ts';
import type { BindingProvider } from './bindings/binding-provider.ts';
import { consoleWriter, severity, type LogWriter } from './console-log.ts';
import { FunctionExecutor, triggerOf, type HostLog } from './executor.ts';
import { functionLogLevel, readHostJson } from './host-json.ts';
import { DEFAULT_MAX_REQUEST_BODY_SIZE, httpRoutesOf, startHttpServer, type PreRoute } from './http/http-server.ts';
import { LanguageWorker } from './language-worker.ts';
import type { AppCode } from './worker/app-loader.ts';
import { applySettings } from './settings.ts';
import { STRICT_64KB_SETTING, strictMessageSizeEnabled } from './workshop-switches.ts';
import { dependsOnDurableFunctions, durableFunctionsNodeProblem } from './durable-functions-version.ts';
import { withArticle } from './wording.ts';
import { resolveConnectionString } from './bindings/storage-connection.ts';
import { createClock, type Clock, type ClockMode } from './durable/clock.ts';
import type { DurableClientOperations } from './durable/client.ts';
import { readDurableConfig, validateHubName, type DurableConfig } from './durable/durable-config.ts';
import type { DurableEngine } from './durable/engine.ts';

/**
 * The durable engine, its storage and its clients, loaded only for an app that has durable
 * functions: they bring the queue, table and blob clients, which an HTTP-only app's host would
 * load for nothing (0.2 s of its start).
 */
async function loadDurable() {
  const [client, clientBinding, engine, entities, httpApi, storage, reachable] = await Promise.all([
    import('./durable/client.ts'),
    import('./durable/client-binding.ts'),
    import('./durable/engine.ts'),
    import('./durable/entities/client.ts'),
    import('./durable/http-api.ts'),
    import('./durable/task-hub-storage.ts'),
    import('./durable/storage-reachable.ts'),
  ]);
  return {
    DurableClientOperations: client.DurableClientOperations,
    durableClientBindingProvider: clientBinding.durableClientBindingProvider,
    DurableEngine: engine.DurableEngine,
    EntityClient: entities.EntityClient,
    durableHttpApi: httpApi.durableHttpApi,
    TaskHubStorage: storage.TaskHubStorage,
    waitForStorage: reachable.waitForStorage,
  };
}

type DurableModules = Awaited<ReturnType<typeof loadDurable>>;

/** The durable engine's modules, loaded ahead (a host in standby, cli.ts); startHost finds them loaded. */
export async function preloadDurableModules(): Promise<void> {
  await loadDurable();
}

type TaskHubStorage = InstanceType<DurableModules['TaskHubStorage']>;

/**
 * The task hub's storage, its tables, queues and container being created (once storage answers)
 * while the worker loads the app: the engine takes it, and its start then finds them made
 * (init() is one promise). Anything that goes wrong here is met again, and said, when the engine
 * starts: undefined then.
 */
function prepareTaskHub(
  modules: DurableModules,
  config: DurableConfig,
  signal: AbortSignal,
): TaskHubStorage | undefined {
  if (validateHubName(config.hubName)) return undefined;
  const storage = new modules.TaskHubStorage(resolveConnectionString(config.connectionSetting), config.hubName, {
    strictMessageSize: strictMessageSizeEnabled(),
  });
  void modules
    .waitForStorage(storage.endpoints, { timeoutMs: 60_000, onWaiting: () => undefined, signal })
    .then(() => storage.init())
    .catch(() => undefined);
  return storage;
}

export interface HostOptions {
  /** The app folder (package.json, host.json, local.settings.json). */
  appDir: string;
  /** HTTP port; 0 picks a free one. Default: local.settings.json Host.LocalHttpPort, else 7071. */
  port?: number;
  /** Extra environment for the app; wins over local.settings.json like the process environment. */
  env?: Record<string, string>;
  /** Request body limit in bytes; default FUNCTIONS_REQUEST_BODY_SIZE_LIMIT or 100 MB. */
  maxRequestBodySize?: number;
  /** Additional binding types (e.g. a durable client); blob is always there. */
  bindingProviders?: BindingProvider[];
  /** Where log lines go; default this process's console. */
  logWriter?: LogWriter;
  /** Durable Functions time: the real clock (default), or a virtual one for tests ('virtual', 'auto'). */
  clock?: ClockMode;
  /** How long the durable engine leases a queue message (default 10 s; renewed while in use). */
  durableLeaseMs?: number;
  /** After how long an orchestrator episode still running is called a loop that never yields (default 10 s). */
  durableSlowEpisodeMs?: number;
  /**
   * More pages the host serves beside the app (the task hub dashboard): each is asked first, in
   * order, and answers the requests it owns. They are not part of the app: `func start` has none.
   */
  extraRoutes?: ExtraRoutes[];
  /**
   * What the worker loads. `source` (default): each compiled file `main` names is replaced by its
   * TypeScript source, so no build step is needed. `built`: exactly the files `main` names
   * (`dist/src/functions/*.js`), imported by plain Node with no TypeScript hooks — what `func
   * start` runs after `npm run build`.
   */
  appCode?: AppCode;
}

/** What an extra set of routes is given: the host's durable runtime, its clock, the app's functions. */
export interface ExtraRoutesContext {
  durable?: DurableRuntime;
  clock: Clock;
  functions: Array<{ name: string; trigger: string }>;
  /** host.json's routePrefix (`api`; `""` when the app's routes start at the root). */
  routePrefix: string;
}

/** Pages served beside the app: a request handler (true when it answered), and what to end when the host stops (open event streams). */
export interface ExtraRouteHandler {
  handle: PreRoute;
  close?(): void;
}

/** Makes the handler of extra pages from the host's runtime. */
export type ExtraRoutes = (context: ExtraRoutesContext) => ExtraRouteHandler;

/** The durable engine of a running host, when the app has durable functions. */
export interface DurableRuntime {
  engine: DurableEngine;
  client: DurableClientOperations;
  hubName: string;
}

export interface FunctionInfo {
  name: string;
  /** Trigger type, e.g. `httpTrigger`, `orchestrationTrigger`. */
  trigger: string;
  /** HTTP methods (upper case) when the function is HTTP-triggered and restricts them. */
  methods?: string[];
  /** URL (with the route template) when the function is HTTP-triggered. */
  url?: string;
}

export interface RunningHost {
  url: string;
  port: number;
  functions: FunctionInfo[];
  /** The clock the durable engine uses. */
  clock: Clock;
  durable?: DurableRuntime;
  /** The Node worker that runs the app's code. */
  worker: LanguageWorker;
  stop(): Promise<void>;
}

/** A failure to start: bad settings, an app that does not load, a port in use. */
export class HostStartError extends Error {
  override name = 'HostStartError';
}

let started = false;

const STOP_GRACE_MS = 2000;

function bodyLimit(options: HostOptions): number {
  if (options.maxRequestBodySize !== undefined) return options.maxRequestBodySize;
  const fromSetting = Number(process.env.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT);
  return Number.isFinite(fromSetting) && fromSetting > 0 ? fromSetting : DEFAULT_MAX_REQUEST_BODY_SIZE;
}

/** Asks each handler in turn; the first that answers ends it. */
function chainRoutes(handlers: PreRoute[]): PreRoute | undefined {
  if (handlers.length === 0) return undefined;
  return async (req, res, url, limits) => {
    for (const handler of handlers) if (await handler(req, res, url, limits)) return true;
    return false;
  };
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  if (started) {
    throw new HostStartError('This process already runs a Functions app; start another one with spawnHost().');
  }
  const appDir = path.resolve(options.appDir);
  if (!fs.existsSync(appDir) || !fs.statSync(appDir).isDirectory()) {
    throw new HostStartError(`The app folder ${appDir} does not exist.`);
  }
  started = true;

  const write = options.logWriter ?? consoleWriter('trace');
  let settings;
  let hostJson;
  try {
    settings = applySettings(appDir, options.env ?? {});
    hostJson = readHostJson(appDir);
  } catch (err) {
    started = false;
    throw new HostStartError((err as Error).message, { cause: err });
  }
  const hostLevel = hostJson.defaultLogLevel;
  const hostLog: HostLog = (level, message) => {
    if (severity(level) >= severity(hostLevel)) write(level, message);
  };

  // The durable modules load beside the worker when the app depends on durable-functions; only
  // the functions it registers decide whether the engine runs.
  const durablePrefetch = dependsOnDurableFunctions(appDir) ? loadDurable() : undefined;
  durablePrefetch?.catch(() => undefined);
  // Ended when the start fails: no wait for storage goes on after it.
  const startFailed = new AbortController();
  const durableConfig = readDurableConfig(appDir);
  const preparedHub = durablePrefetch
    ?.then((modules) => prepareTaskHub(modules, durableConfig, startFailed.signal))
    .catch(() => undefined);

  // An installed durable-functions that this Node breaks: said before anything runs into it.
  const versionProblem = durableFunctionsNodeProblem(appDir);
  if (versionProblem) hostLog('warning', versionProblem);

  // Function logs follow host.json levels; worker (system) logs show from warnings up,
  // like the host's console, which hides the worker's debug chatter. What the app prints
  // (console.log) reaches the console line by line, as the host prints worker output.
  const worker = new LanguageWorker({
    appDir,
    functionTimeoutMs: hostJson.functionTimeoutMs,
    ...(options.appCode ? { appCode: options.appCode } : {}),
    onLog: (entry) => {
      if (entry.category === 'user') {
        const min = entry.functionName ? functionLogLevel(hostJson, entry.functionName) : hostLevel;
        if (severity(entry.level) >= severity(min)) write(entry.level, entry.message);
      } else if (severity(entry.level) >= severity('warning')) {
        write(entry.level, entry.message);
      }
    },
    onOutput: (line, stream) => write(stream === 'stderr' ? 'error' : 'information', line),
    onHostLog: hostLog,
  });
  let functionList;
  try {
    functionList = await worker.start();
  } catch (err) {
    startFailed.abort();
    started = false;
    throw new HostStartError((err as Error).message, { cause: err });
  }

  // Whatever fails from here on must not leave the worker process behind.
  const serve = async (): Promise<RunningHost> => {
    // Durable Functions: an engine when the app registers orchestrators, activities or clients.
    const clock = createClock(options.clock ?? 'real');
    const durableTypes = new Set([
      'orchestrationtrigger',
      'activitytrigger',
      'durableclient',
      'orchestrationclient',
      'entitytrigger',
    ]);
    const usesDurable = functionList.some((fn) =>
      Object.values(fn.metadata.bindings).some((b) => durableTypes.has(String(b.type).toLowerCase())),
    );
    let origin = '';
    const providers = [blobBindingProvider, ...(options.bindingProviders ?? [])];
    let durable: DurableRuntime | undefined;
    const durableModules = usesDurable ? await (durablePrefetch ?? loadDurable()) : undefined;
    if (durableModules) {
      const { durableClientBindingProvider } = durableModules;
      const invalid = validateHubName(durableConfig.hubName);
      if (invalid) throw new HostStartError(invalid);
      providers.push(
        durableClientBindingProvider({
          hubName: durableConfig.hubName,
          connectionName: durableConfig.connectionName,
          origin: () => origin,
        }),
      );
      providers.push({
        ...durableClientBindingProvider({
          hubName: durableConfig.hubName,
          connectionName: durableConfig.connectionName,
          origin: () => origin,
        }),
        type: 'orchestrationClient',
      });
    }
    const executor = new FunctionExecutor(worker, providers, hostLog);
    if (durableModules) {
      const { DurableClientOperations, DurableEngine, TaskHubStorage } = durableModules;
      let connectionString: string;
      try {
        connectionString = resolveConnectionString(durableConfig.connectionSetting);
      } catch (err) {
        throw new HostStartError(`Durable Functions need a storage account: ${(err as Error).message}`, { cause: err });
      }
      // Workshop-only (lab 07): recreate the 2017 queue behaviour, no large-message blobs.
      const strictMessageSize = strictMessageSizeEnabled();
      if (strictMessageSize) {
        hostLog(
          'warning',
          `${STRICT_64KB_SETTING} is on: queue messages over 64 KB are rejected as Azure Storage rejected them before DTFx moved large messages to blobs (2018). A workshop switch, not a setting of the real host.`,
        );
      }
      // Workshop-only (lab 08): replays run with the clock a day ahead and another random source.
      if (perturbReplayEnabled()) {
        hostLog(
          'warning',
          `${PERTURB_REPLAY_SETTING} is on: every replay of an orchestrator runs as if on another machine a day later (Date, Math.random and randomUUID differ from the first run). A workshop switch, not a setting of the real host.`,
        );
      }
      // Workshop-only (lab 09): the host kills itself after an activity's side effect, before its result is sent.
      const crashAfter = crashAfterActivities();
      if (crashAfter.size > 0) {
        // Named as the app registered them: the setting matches them case-insensitively.
        const names = [...crashAfter].map(
          (lower) => functionList.find((fn) => fn.name.toLowerCase() === lower)?.name ?? lower,
        );
        hostLog(
          'warning',
          `${CRASH_AFTER_ACTIVITY_SETTING} is on: the host kills itself (SIGKILL) once per task right after the activity ${names.join(', ')} has run and before its result is sent, as a worker lost on scale-in or a deployment would be. A workshop switch, not a setting of the real host.`,
        );
      }
      const storage =
        (await preparedHub) ?? new TaskHubStorage(connectionString, durableConfig.hubName, { strictMessageSize });
      const engine = new DurableEngine({
        storage,
        clock,
        executor,
        functions: functionList,
        log: hostLog,
        extendedSessions: durableConfig.extendedSessions,
        allowReplayingTerminalInstances: durableConfig.allowReplayingTerminalInstances,
        maxDequeueCount: durableConfig.maxDequeueCount,
        ...(durableConfig.maxQueuePollingIntervalMs !== undefined
          ? { maxPollIntervalMs: durableConfig.maxQueuePollingIntervalMs }
          : {}),
        functionTimeoutMs: hostJson.functionTimeoutMs,
        ...(options.durableLeaseMs !== undefined ? { leaseMs: options.durableLeaseMs } : {}),
        ...(options.durableSlowEpisodeMs !== undefined ? { slowEpisodeMs: options.durableSlowEpisodeMs } : {}),
      });
      durable = { engine, client: new DurableClientOperations(engine), hubName: durableConfig.hubName };
    }
    for (const fn of functionList) {
      const unsupported = executor.unsupportedBindings(fn, ['http']);
      if (unsupported.length > 0) {
        hostLog(
          'warning',
          `Function '${fn.name}' uses binding type(s) ${unsupported.map((t) => `'${t}'`).join(', ')} that this local host does not support; invocations that need them will fail.`,
        );
      }
    }

    for (const fn of functionList) {
      const type = String(triggerOf(fn).binding.type);
      if (
        type.toLowerCase() !== 'httptrigger' &&
        !(durable && ['orchestrationtrigger', 'activitytrigger', 'entitytrigger'].includes(type.toLowerCase()))
      ) {
        hostLog(
          'warning',
          `Function '${fn.name}' has ${withArticle(type)}, which this local host does not fire yet; only HTTP triggers run.`,
        );
      }
    }

    const routes = httpRoutesOf(functionList);
    const port = options.port ?? settings.local.localHttpPort ?? 7071;
    const extras = (options.extraRoutes ?? []).map((make) =>
      make({
        ...(durable ? { durable } : {}),
        clock,
        functions: functionList.map((fn) => ({ name: fn.name, trigger: String(triggerOf(fn).binding.type) })),
        routePrefix: hostJson.routePrefix,
      }),
    );
    let server;
    try {
      server = await startHttpServer({
        port,
        routePrefix: hostJson.routePrefix,
        maxRequestBodySize: bodyLimit(options),
        routes,
        executor,
        log: hostLog,
        preRoute: chainRoutes([
          ...extras.map((extra) => extra.handle),
          ...(durable && durableModules
            ? [
                durableModules.durableHttpApi({
                  client: durable.client,
                  connectionName: durableConfig.connectionName,
                  log: hostLog,
                  entities: new durableModules.EntityClient(durable.engine),
                }),
              ]
            : []),
        ]),
      });
    } catch (err) {
      throw new HostStartError((err as Error).message, { cause: err });
    }

    const url = `http://127.0.0.1:${server.port}`;
    origin = url;
    if (durable) {
      // The SDK rewrites client URLs to localhost:7071 unless WEBSITE_HOSTNAME names the host
      // (Core Tools sets it too); point it at the port we really listen on.
      if (!process.env.WEBSITE_HOSTNAME) {
        process.env.WEBSITE_HOSTNAME = `127.0.0.1:${server.port}`;
        worker.setEnvironment({ WEBSITE_HOSTNAME: process.env.WEBSITE_HOSTNAME });
      }
      try {
        await durable.engine.start();
      } catch (err) {
        await server.close();
        throw new HostStartError(
          `The durable task hub '${durable.hubName}' could not be opened in storage: ${(err as Error).message}`,
          { cause: err },
        );
      }
      hostLog(
        'information',
        `Durable task hub '${durable.hubName}' (Azure Storage provider layout), clock: ${clock.mode}.`,
      );
    }
    const prefix = hostJson.routePrefix === '' ? '' : `/${hostJson.routePrefix}`;
    const functions: FunctionInfo[] = functionList.map((fn) => {
      const info: FunctionInfo = { name: fn.name, trigger: String(triggerOf(fn).binding.type) };
      const route = routes.find((r) => r.fn === fn);
      if (route) {
        if (route.methods) info.methods = route.methods;
        info.url = `${url}${prefix}/${route.route}`;
      }
      return info;
    });

    let stopping: Promise<void> | undefined;
    return {
      url,
      port: server.port,
      functions,
      clock,
      worker,
      ...(durable ? { durable } : {}),
      stop() {
        stopping ??= (async () => {
          if (durable) await durable.engine.stop();
          for (const extra of extras) extra.close?.();
          // Requests in flight get 2 s to finish, the worker 2 s for its appTerminate hooks: the
          // host is done within the 5 s that spawnHost (and npm start) give it before a SIGKILL.
          await server.close(STOP_GRACE_MS);
          await worker.stop();
        })();
        return stopping;
      },
    };
  };
  try {
    return await serve();
  } catch (err) {
    startFailed.abort();
    await worker.stop();
    started = false;
    throw err;
  }
}
