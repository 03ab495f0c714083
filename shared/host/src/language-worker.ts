// The host's side of the Node worker: it starts the worker process, learns the app's
// functions from it, sends it one message per invocation, and starts a new worker whenever
// the old one dies — an uncaught exception, out of memory, a kill, or a function that ran
// past host.json's functionTimeout. As in the real host, the invocations the dead worker was
// running fail (the durable engine puts their work back on its queue) and the host itself,
// with its HTTP server and management API, keeps going.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RpcInvocationResponse, RpcLogCategory, RpcLogLevel } from './core-types.ts';
import { environmentVariables } from './settings.ts';
import { forEachLine } from './stream-lines.ts';
import type { AppCode } from './worker/app-loader.ts';
import {
  fromWorkerError,
  type FunctionDefinition,
  type HostToWorker,
  type WorkerInvocation,
  type WorkerToHost,
} from './worker-protocol.ts';

const WORKER_MAIN = fileURLToPath(new URL('./worker/worker-main.ts', import.meta.url));

/** The app setting the real host reads for the Node worker's command-line arguments. */
export const WORKER_ARGUMENTS_SETTING = 'languageWorkers__node__arguments';

/**
 * The worker's heap limit unless `languageWorkers__node__arguments` sets one. Node's default
 * heap is sized from the machine's memory (up to 4 GB): a runaway loop in a learner's
 * orchestrator would fill it for many seconds, and swap a small laptop, before the worker dies
 * and the host recovers. 512 MB ends it in about 2 s and is far more than the labs need (their
 * images live outside the heap, in sharp's buffers). A workshop choice, not the real host's.
 */
export const DEFAULT_WORKER_HEAP_MB = 512;

/** A worker that stayed up this long has recovered: the next crash restarts it at once again. */
const HEALTHY_AFTER_MS = 30_000;
const RESTART_DELAYS_MS = [0, 250, 1000, 2000, 5000];
/**
 * How long `stop()` lets appTerminate hooks run before the worker is killed: well within the
 * 5 s that spawnHost gives the host itself, so the host is there to kill a worker that is stuck.
 */
const TERMINATE_GRACE_MS = 2000;

/** The worker process died while it ran the invocation. The durable engine retries such work. */
export class WorkerExitedError extends Error {
  override name = 'WorkerProcessExitException';
}

/** The invocation ran past host.json's functionTimeout; the worker was restarted. */
export class FunctionTimeoutError extends Error {
  override name = 'FunctionTimeoutException';
}

/** No worker could run the invocation: the app does not load any more. */
export class WorkerUnavailableError extends Error {
  override name = 'WorkerUnavailableException';
}

/** The host is stopping: the invocation ends with it (durable work comes back when the host starts again). */
export class HostStoppingError extends WorkerUnavailableError {
  override name = 'HostStoppingException';
  constructor(functionName?: string) {
    super(
      `The host is stopping${functionName ? `: Functions.${functionName} was cut short` : ''}; durable work comes back when it starts again.`,
    );
  }
}

export type WorkerLog = (entry: {
  level: RpcLogLevel;
  category: RpcLogCategory;
  message: string;
  functionName?: string;
  invocationId?: string;
}) => void;

export interface LanguageWorkerOptions {
  appDir: string;
  /** Logs from the worker: the app's context.log and the worker's system logs. */
  onLog: WorkerLog;
  /** A line the worker printed (console.log and friends), as the host prints worker output. */
  onOutput: (line: string, stream: 'stdout' | 'stderr') => void;
  /** The host's own messages about the worker (exits, restarts, timeouts). */
  onHostLog: (level: 'information' | 'warning' | 'error', message: string) => void;
  /** host.json functionTimeout in ms; undefined for none. */
  functionTimeoutMs?: number;
  /** What the worker loads: the TypeScript sources (default) or exactly the built files `main` names. */
  appCode?: AppCode;
}

interface Pending {
  functionName: string;
  invocationId: string;
  message: WorkerInvocation;
  resolve: (response: RpcInvocationResponse) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
  /** The worker has begun to run it (it said so); until then the function has not been called. */
  started: boolean;
  /** Workers it was sent to that died before it started. */
  redispatched: number;
}

/**
 * An invocation the worker had not started when it died (it waited behind a loop that blocked
 * the worker) is sent to the next worker, at most this often: it never ran, so nothing of it
 * can have happened twice. Without this, a runaway orchestrator takes down everything queued
 * behind it, again and again, until the innocent messages are poison too.
 */
const MAX_REDISPATCH = 3;

/** `--max-old-space-size=…` unless the setting's arguments choose their own. */
export function workerNodeArguments(env: NodeJS.ProcessEnv = process.env): string[] {
  const configured = (env[WORKER_ARGUMENTS_SETTING] ?? '').split(/\s+/).filter((arg) => arg !== '');
  const hasHeapLimit = configured.some((arg) => arg.startsWith('--max-old-space-size'));
  return hasHeapLimit ? configured : [`--max-old-space-size=${DEFAULT_WORKER_HEAP_MB}`, ...configured];
}

/**
 * The worker's command line after `node`. It names this host's pid: the worker watches for a
 * parent that is no longer this host, and reading its parent pid itself could be too late.
 * `kernelWatch`: the kernel ends the worker when this host dies (setpriv --pdeathsig), and the
 * worker only checks once, at its start, that its host is still there.
 */
export function workerCommand(
  appDir: string,
  appCode: AppCode | undefined,
  env: NodeJS.ProcessEnv,
  standby = false,
  kernelWatch = false,
): string[] {
  return [
    ...workerNodeArguments(env),
    WORKER_MAIN,
    appDir,
    ...(appCode === 'built' ? ['--built'] : []),
    ...(standby ? ['--standby'] : []),
    `--host-pid=${process.pid}`,
    ...(kernelWatch ? ['--kernel-watch'] : []),
  ];
}

let setprivPath: string | null | undefined;

/**
 * Linux's setpriv (util-linux), which starts the worker with a parent-death signal: SIGKILL from
 * the kernel when the host dies, however it dies. It spares each worker the thread that would
 * otherwise watch for that (about 0.035 CPU-s per worker, some 10 CPU-s in npm test). Null
 * elsewhere, and where it is not installed.
 */
function setpriv(): string | null {
  if (setprivPath === undefined) {
    setprivPath =
      process.platform === 'linux'
        ? (['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p)) ?? null)
        : null;
  }
  return setprivPath;
}

/** The program and arguments that start a worker: through setpriv where there is one. */
export function workerSpawn(
  appDir: string,
  appCode: AppCode | undefined,
  env: NodeJS.ProcessEnv,
  standby = false,
): { command: string; args: string[] } {
  const withDeathSignal = setpriv();
  return withDeathSignal
    ? {
        command: withDeathSignal,
        args: ['--pdeathsig', 'KILL', process.execPath, ...workerCommand(appDir, appCode, env, standby, true)],
      }
    : { command: process.execPath, args: workerCommand(appDir, appCode, env, standby) };
}

function spawnWorker(
  appDir: string,
  appCode: AppCode | undefined,
  env: NodeJS.ProcessEnv,
  standby = false,
): ChildProcess {
  const { command, args } = workerSpawn(appDir, appCode, env, standby);
  const child = spawn(command, args, {
    cwd: appDir,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
    env,
  });
  // A pipe of a worker that died mid-write: its exit says what happened.
  child.stdout!.on('error', () => undefined);
  child.stderr!.on('error', () => undefined);
  return child;
}

/** A worker started ahead of the host's first launch, and what it said before anyone listened. */
interface PrestartedWorker {
  appDir: string;
  appCode: AppCode;
  child: ChildProcess;
  messages: WorkerToHost[];
  keep: (message: WorkerToHost) => void;
  failed: boolean;
  /** A worker in standby: the Node arguments it was started with, which its environment must not change. */
  standby: { nodeArguments: string[] } | undefined;
}

let prestarted: PrestartedWorker | undefined;

/**
 * Starts the app's worker before the host has loaded its own modules (cli.ts does, first
 * thing): the app's packages then load in the worker while the host's load in the host, as in
 * the two processes of the real platform, instead of one after the other (0.2 s of every host
 * start). `env` is the environment the host will have once its settings are applied. The
 * host's first launch for the same app adopts it; a worker that has died by then is dropped
 * and the launch starts another, which says why. Returns the worker's process (for tests).
 */
export function prestartWorker(
  appDir: string,
  appCode: AppCode,
  env: NodeJS.ProcessEnv,
  options: { standby?: boolean } = {},
): ChildProcess {
  const waiting = prestarted;
  if (waiting && !options.standby && specialize(waiting, appDir, appCode, env)) return waiting.child;
  discardPrestartedWorker();
  const child = spawnWorker(appDir, appCode, env, options.standby);
  const entry: PrestartedWorker = {
    appDir,
    appCode,
    child,
    messages: [],
    keep: (m) => entry.messages.push(m),
    failed: false,
    standby: options.standby ? { nodeArguments: workerNodeArguments(env) } : undefined,
  };
  child.on('message', entry.keep);
  child.on('error', () => (entry.failed = true));
  prestarted = entry;
  return child;
}

/**
 * Hands a worker in standby (placeholder mode) its environment, so that it loads the app: when
 * it is alive, for the same app, and the environment asks for no other Node arguments.
 */
function specialize(entry: PrestartedWorker, appDir: string, appCode: AppCode, env: NodeJS.ProcessEnv): boolean {
  if (!entry.standby || entry.appDir !== appDir || entry.appCode !== appCode) return false;
  if (entry.failed || entry.child.exitCode !== null || entry.child.signalCode !== null || !entry.child.connected)
    return false;
  if (workerNodeArguments(env).join('\0') !== entry.standby.nodeArguments.join('\0')) return false;
  const message: HostToWorker = { type: 'specialize', env: environmentVariables(env) };
  entry.child.send(message, undefined, {}, () => undefined);
  entry.standby = undefined;
  return true;
}

/** Ends a prestarted worker nobody adopted (the host did not start). */
export function discardPrestartedWorker(): void {
  prestarted?.child.kill('SIGKILL');
  prestarted = undefined;
}

/** The prestarted worker for this app, if it is still alive, and the messages it sent so far. */
function adoptPrestartedWorker(appDir: string, appCode: AppCode): PrestartedWorker | undefined {
  const entry = prestarted;
  prestarted = undefined;
  if (!entry) return undefined;
  const alive = !entry.failed && entry.child.exitCode === null && entry.child.signalCode === null;
  // A worker still in standby would wait for ever: nobody handed it its environment.
  if (!alive || entry.standby || entry.appDir !== appDir || entry.appCode !== appCode) {
    entry.child.kill('SIGKILL');
    return undefined;
  }
  entry.child.off('message', entry.keep);
  return entry;
}

/** One worker process and the invocations it is running. */
class WorkerProcess {
  readonly child: ChildProcess;
  readonly startedAt = Date.now();
  readonly pending = new Map<number, Pending>();
  /** Why the host ended this worker itself (a timeout), so its exit is not reported as a crash. */
  endedByHost: string | undefined;
  indexed = false;
  exited = false;

  /** `child`: a worker already started for this app (prestartWorker); else one starts now. */
  constructor(appDir: string, options: Pick<LanguageWorkerOptions, 'onOutput' | 'appCode'>, child?: ChildProcess) {
    this.child = child ?? spawnWorker(appDir, options.appCode, process.env);
    forEachLine(this.child.stdout!, (line) => options.onOutput(line, 'stdout'));
    forEachLine(this.child.stderr!, (line) => options.onOutput(line, 'stderr'));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * False when the worker is gone. A worker that dies while a message is on its way makes the
   * write fail later (EPIPE): the callback takes that error, which the exit handles, instead of
   * an 'error' event that would end the host.
   */
  send(message: HostToWorker): boolean {
    if (this.exited || !this.child.connected) return false;
    try {
      this.child.send(message, undefined, {}, () => undefined);
      return true;
    } catch {
      return false;
    }
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

export class LanguageWorker {
  readonly #options: LanguageWorkerOptions;
  #worker: WorkerProcess | undefined;
  /** The worker invocations go to, once it has indexed the app; undefined when none is starting or ready. */
  #ready: Promise<WorkerProcess> | undefined;
  #functions: FunctionDefinition[] = [];
  #environment: Record<string, string> = {};
  #nextId = 0;
  #crashes = 0;
  #stopping = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #abortRestart: (() => void) | undefined;

  constructor(options: LanguageWorkerOptions) {
    this.#options = options;
  }

  /** The functions the app registered, as the first worker reported them. */
  get functions(): FunctionDefinition[] {
    return this.#functions;
  }

  /** The worker's process id (for tests and the faults proof). */
  get pid(): number | undefined {
    return this.#worker?.exited ? undefined : this.#worker?.pid;
  }

  /** Starts the first worker; rejects with the app's load error when it does not load. */
  async start(): Promise<FunctionDefinition[]> {
    const { functions } = await this.#launch();
    this.#functions = functions;
    return functions;
  }

  /** Settings the worker should see that the host only knows now (FunctionEnvironmentReloadRequest). */
  setEnvironment(variables: Record<string, string>): void {
    Object.assign(this.#environment, variables);
    this.#worker?.send({ type: 'environment', variables });
  }

  /**
   * Runs one invocation in the worker. While a new worker starts, the invocation waits for it;
   * when the app no longer loads, every invocation tries a new worker once and fails with the
   * load error.
   */
  async invoke(
    fn: FunctionDefinition,
    invocation: Omit<WorkerInvocation, 'functionId'>,
  ): Promise<RpcInvocationResponse> {
    if (this.#stopping) throw new HostStoppingError(fn.name);
    return new Promise<RpcInvocationResponse>((resolve, reject) => {
      const message = { ...invocation, functionId: fn.id };
      const pending: Pending = {
        functionName: fn.name,
        invocationId: invocation.invocationId,
        message,
        resolve,
        reject,
        timer: undefined,
        started: false,
        redispatched: 0,
      };
      void this.#dispatch(pending);
    });
  }

  /** Sends the invocation to the worker that is ready, or is starting; the function timeout runs from here. */
  async #dispatch(pending: Pending): Promise<void> {
    let worker: WorkerProcess;
    try {
      // #launch keeps its own promise in #ready and forgets it if the app does not load; keeping
      // another one here would hold that failure for every invocation after it (found by npm
      // run faults: a worker killed while it loaded left the host failing everything).
      if (!this.#ready) void this.#launch().catch(() => undefined);
      worker = await this.#ready!;
    } catch (err) {
      return pending.reject(err as Error);
    }
    const id = this.#nextId++;
    const timeoutMs = this.#options.functionTimeoutMs;
    if (timeoutMs !== undefined) {
      pending.timer = setTimeout(() => this.#timedOut(worker, id, timeoutMs), timeoutMs);
      pending.timer.unref();
    }
    worker.pending.set(id, pending);
    // A worker that is dying but not yet gone: its exit hands this one on with the rest it held.
    if (!worker.send({ type: 'invoke', id, invocation: pending.message }) && worker.exited) {
      worker.pending.delete(id);
      this.#retryOrFail(pending, `The Node worker process exited before Functions.${pending.functionName} could run.`);
    }
  }

  /** A worker died under an invocation: one it never started goes to the next worker; one it ran fails. */
  #retryOrFail(pending: Pending, reason: string): void {
    if (pending.timer) clearTimeout(pending.timer);
    if (this.#stopping) return pending.reject(new HostStoppingError(pending.functionName));
    if (!pending.started && pending.redispatched < MAX_REDISPATCH && !this.#stopping) {
      pending.redispatched++;
      void this.#dispatch(pending);
      return;
    }
    pending.reject(new WorkerExitedError(reason));
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#abortRestart?.();
    const worker = this.#worker;
    if (!worker || worker.exited) return;
    const exited = new Promise<void>((resolve) => worker.child.once('exit', () => resolve()));
    worker.endedByHost = 'the host is stopping';
    if (!worker.send({ type: 'terminate' })) worker.kill();
    const timer = setTimeout(() => worker.kill(), TERMINATE_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  /** Starts a worker process; resolves once it has indexed the app, rejects with its load error. */
  #launch(): Promise<{ worker: WorkerProcess; functions: FunctionDefinition[] }> {
    const adopted = adoptPrestartedWorker(this.#options.appDir, this.#options.appCode ?? 'source');
    const worker = new WorkerProcess(this.#options.appDir, this.#options, adopted?.child);
    this.#worker = worker;
    const indexed = new Promise<{ worker: WorkerProcess; functions: FunctionDefinition[] }>((resolve, reject) => {
      let loadError: string | undefined;
      const onMessage = (message: WorkerToHost) => {
        switch (message?.type) {
          case 'indexed':
            worker.indexed = true;
            if (Object.keys(this.#environment).length > 0)
              worker.send({ type: 'environment', variables: this.#environment });
            resolve({ worker, functions: message.functions });
            break;
          case 'load-error':
            loadError = message.message;
            break;
          default:
            this.#onMessage(worker, message);
        }
      };
      worker.child.on('message', onMessage);
      for (const message of adopted?.messages ?? []) onMessage(message);
      // 'error' comes when the process cannot be started (rejecting before the index), or when
      // one cannot signal it; either way its exit, if any, tells the rest.
      worker.child.on('error', (err) =>
        reject(new WorkerUnavailableError(`The Node worker process could not be started: ${err.message}`)),
      );
      worker.child.once('exit', (code, signal) => {
        worker.exited = true;
        reject(
          new WorkerUnavailableError(
            loadError ?? `The Node worker process exited (${signal ?? `code ${code}`}) before the app was loaded.`,
          ),
        );
        this.#onExit(worker, code, signal);
      });
    });
    const ready = indexed.then(({ worker: w }) => w);
    // A worker that never loaded the app is not restarted on its own: the next invocation tries again.
    ready.catch(() => {
      if (this.#ready === ready) this.#ready = undefined;
    });
    this.#ready = ready;
    return indexed;
  }

  #onMessage(worker: WorkerProcess, message: WorkerToHost): void {
    switch (message?.type) {
      case 'invocation-started': {
        const pending = worker.pending.get(message.id);
        if (pending) pending.started = true;
        break;
      }
      case 'invocation-response':
      case 'invocation-failed': {
        const pending = worker.pending.get(message.id);
        if (!pending) return;
        worker.pending.delete(message.id);
        if (pending.timer) clearTimeout(pending.timer);
        if (message.type === 'invocation-response') pending.resolve(message.response);
        else pending.reject(fromWorkerError(message.error));
        break;
      }
      case 'log': {
        const { level, category, message: text, functionName, invocationId } = message;
        this.#options.onLog({
          level,
          category,
          message: text,
          ...(functionName ? { functionName } : {}),
          ...(invocationId ? { invocationId } : {}),
        });
        break;
      }
    }
  }

  /** The real host's message, then a new worker; the worker's other invocations fail too. */
  #timedOut(worker: WorkerProcess, id: number, timeoutMs: number): void {
    const pending = worker.pending.get(id);
    if (!pending || worker.exited) return;
    worker.pending.delete(id);
    this.#options.onHostLog(
      'error',
      `Timeout value of ${formatTimeSpan(timeoutMs)} exceeded by function 'Functions.${pending.functionName}' (Id: '${pending.invocationId}'). Initiating cancellation.`,
    );
    this.#options.onHostLog(
      'error',
      `A function timeout has occurred. Restarting worker process executing invocationId '${pending.invocationId}'.`,
    );
    pending.reject(
      new FunctionTimeoutError(
        `Timeout value of ${formatTimeSpan(timeoutMs)} was exceeded by function: Functions.${pending.functionName}`,
      ),
    );
    worker.endedByHost = 'a function timed out';
    worker.kill();
    // Invocations from now on wait for the new worker, not for this one's exit.
    this.#restart(worker);
  }

  #onExit(worker: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const held = [...worker.pending.values()];
    const running = held.filter((pending) => pending.started);
    worker.pending.clear();
    for (const pending of held) {
      this.#retryOrFail(
        pending,
        `The Node worker process exited (${signal ?? `code ${code}`}) while it ran Functions.${pending.functionName} (Id: ${pending.invocationId}).`,
      );
    }
    // A worker the host ended itself (timeout, stop) or one that never loaded the app is not reported as a crash.
    if (this.#worker !== worker || this.#stopping || !worker.indexed || worker.endedByHost) return;
    const names = [...new Set(running.map((p) => `Functions.${p.functionName}`))];
    const during =
      names.length > 0
        ? ` It was running ${names.join(', ')}: those invocations failed (durable work goes back to its queue and is retried).`
        : '';
    this.#options.onHostLog(
      'error',
      `Language Worker Process exited. Pid=${worker.pid}. node exited with ${signal ? `signal ${signal}` : `code ${code}`}.${during}`,
    );
    this.#restart(worker);
  }

  /** As the real host does: a new worker at once, sooner or later depending on how often they die. */
  #restart(dead: WorkerProcess): void {
    if (Date.now() - dead.startedAt > HEALTHY_AFTER_MS) this.#crashes = 0;
    const delay = RESTART_DELAYS_MS[Math.min(this.#crashes, RESTART_DELAYS_MS.length - 1)]!;
    this.#crashes++;
    // Invocations that arrive meanwhile wait for the new worker.
    const ready = new Promise<WorkerProcess>((resolve, reject) => {
      this.#abortRestart = () => reject(new HostStoppingError());
      this.#restartTimer = setTimeout(() => {
        this.#restartTimer = undefined;
        this.#abortRestart = undefined;
        this.#options.onHostLog(
          'information',
          `Starting a new Node worker process${delay > 0 ? ` (after ${delay} ms)` : ''}.`,
        );
        this.#launch().then(
          ({ worker }) => {
            this.#options.onHostLog('information', `Worker process started and initialized (Pid=${worker.pid}).`);
            resolve(worker);
          },
          (err: Error) => {
            this.#options.onHostLog('error', `The new Node worker could not load the app: ${err.message}`);
            reject(err);
          },
        );
      }, delay);
    });
    ready.catch(() => {
      if (this.#ready === ready) this.#ready = undefined;
    });
    this.#ready = ready;
  }
}

/** A TimeSpan as .NET prints it: `00:05:00`, `1.00:00:00`. */
export function formatTimeSpan(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const rest = new Date(ms % 86_400_000).toISOString().slice(11, ms % 1000 === 0 ? 19 : 23);
  return days > 0 ? `${days}.${rest}` : rest;
}
