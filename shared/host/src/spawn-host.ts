// Runs the host CLI in a child process, so every app gets its own process (and its own
// `@azure/functions` instance) and a test can kill it. Resolves once the child reports
// `ready` over IPC; rejects with the child's own message when the app fails to load. Under
// `npm run lab -- --watch`, the child is a host kept in standby by the watching process, when
// one fits (standby-hosts.ts).

import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostMessage, ParentMessage } from './cli.ts';
import { forEachLine } from './stream-lines.ts';
import type { FunctionInfo } from './host.ts';
import type { AppCode } from './worker/app-loader.ts';
import { adoptStandbyHost } from './standby-client.ts';
import { hostEntryPoint } from './host-bundle.ts';

/** What a host's process is to its starter: a child process, or one in standby driven through a socket. */
export interface HostProcess {
  readonly pid?: number | undefined;
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
  readonly connected: boolean;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  send(
    message: ParentMessage,
    sendHandle?: undefined,
    options?: object,
    callback?: (error: Error | null) => void,
  ): boolean;
  kill(signal?: NodeJS.Signals): boolean;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  on(event: 'message', listener: (message: HostMessage) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  once(event: 'message', listener: (message: HostMessage) => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  /** After the exit, once the host's output has all been read. */
  once(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  off(event: 'exit' | 'message' | 'error', listener: (...args: any[]) => void): unknown;
}

export interface SpawnHostOptions {
  appDir: string;
  /** 0 picks a free port; default: the app's Host.LocalHttpPort or 7071. */
  port?: number;
  /** Added to this process's environment for the child (wins over local.settings.json). */
  env?: Record<string, string>;
  /** Called for every line the host prints. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** How long to wait for `ready` before giving up (default 60 s). */
  startTimeoutMs?: number;
  /**
   * Durable Functions time (`--clock`): 'real' (default), 'virtual' (moves only with
   * advanceClock), 'auto' (virtual, skipping to the next durable timer whenever the host is idle).
   */
  clock?: 'real' | 'virtual' | 'auto';
  /** `built` (`--built`): serve exactly the built files `main` names, as `func start` does; default `source`. */
  appCode?: AppCode;
  /** Aborted before `ready`: the child is killed and the start rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface SpawnedHost {
  url: string;
  port: number;
  functions: FunctionInfo[];
  child: HostProcess;
  /** Everything the host printed so far, stdout and stderr in arrival order. */
  logs(): string;
  /** `signal` (default SIGTERM), then SIGKILL if the host has not exited after `graceMs` (default 5 s). */
  stop(graceMs?: number, signal?: NodeJS.Signals): Promise<void>;
  kill(signal?: NodeJS.Signals): void;
  /** Moves the host's virtual clock forward (IPC `{ type: 'clock', action: 'advance', ms }`); resolves to the new time. */
  advanceClock(ms: number): Promise<Date>;
  /** The host's clock (IPC `{ type: 'clock', action: 'now' }`). */
  now(): Promise<Date>;
  /** The process id of the Node worker that runs the app now; undefined while none runs. */
  workerPid(): Promise<number | undefined>;
  /**
   * Resolves once the app has nothing left to do: no orchestration, entity operation or activity
   * running or in its queues, nothing this host put back for later. Durable timers not yet due
   * do not count; nor do messages another process holds (a host killed before this one).
   */
  whenIdle(): Promise<void>;
}

export async function spawnHost(options: SpawnHostOptions): Promise<SpawnedHost> {
  const args = ['serve', options.appDir];
  if (options.port !== undefined) args.push('--port', String(options.port));
  if (options.clock !== undefined) args.push('--clock', options.clock);
  if (options.appCode === 'built') args.push('--built');
  // Node's on-disk code cache for the host and the app's packages (the SDKs, TypeScript).
  const env: NodeJS.ProcessEnv = {
    NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache'),
    ...process.env,
    ...options.env,
  };
  const adopted = await adoptStandbyHost(args, env);
  const child: HostProcess =
    adopted ??
    // process.execPath is the pinned Node 24 whenever this runs under it (npm scripts, vitest).
    spawn(process.execPath, [hostEntryPoint(env), ...args], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env });
  const started = startedHost(child, options);
  // Listened to now: what the adopted host said meanwhile can come.
  adopted?.resume();
  return started;
}

function startedHost(child: HostProcess, options: SpawnHostOptions): Promise<SpawnedHost> {
  let output = '';
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    forEachLine(
      child[stream]!,
      (line) => options.onOutput?.(line, stream),
      (chunk) => (output += chunk),
    );
  }

  const kill = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const stop = async (graceMs = 5000, signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    kill(signal);
    const timer = setTimeout(() => kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  // Requests carry an id; the child echoes it in its reply.
  let nextId = 0;
  const request = <T>(
    message: Exclude<ParentMessage, { type: 'specialize' }>,
    answer: (reply: HostMessage) => T | Error | undefined,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!child.connected) return reject(new Error('The host is not running.'));
      const id = nextId++;
      const onReply = (reply: HostMessage) => {
        if (!reply || !('id' in reply) || reply.id !== id) return;
        const value = answer(reply);
        if (value === undefined) return;
        child.off('message', onReply);
        child.off('exit', onExit);
        if (value instanceof Error) reject(value);
        else resolve(value);
      };
      const onExit = () => {
        child.off('message', onReply);
        reject(new Error(`The host exited before answering the ${message.type} request.`));
      };
      child.on('message', onReply);
      child.once('exit', onExit);
      child.send({ ...message, id });
    });
  const clockRequest = (message: { action: 'advance'; ms: number } | { action: 'now' }): Promise<Date> =>
    request({ type: 'clock', ...message }, (reply) =>
      reply.type !== 'clock' ? undefined : reply.error ? new Error(reply.error) : new Date(reply.now),
    );
  const workerPid = (): Promise<number | undefined> =>
    request({ type: 'worker' }, (reply) =>
      reply.type !== 'worker' ? undefined : { pid: reply.pid ?? undefined },
    ).then((r) => r.pid);

  return new Promise<SpawnedHost>((resolve, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      cleanup();
      kill('SIGKILL');
      reject(new Error(`The host did not start within ${timeoutMs} ms.\n${output.trim()}`));
    }, timeoutMs);
    const onMessage = (message: HostMessage) => {
      if (message?.type === 'ready') {
        cleanup();
        resolve({
          url: message.url,
          port: message.port,
          functions: message.functions,
          child,
          logs: () => output,
          stop,
          kill,
          advanceClock: (ms: number) => clockRequest({ action: 'advance', ms }),
          now: () => clockRequest({ action: 'now' }),
          workerPid,
          whenIdle: () =>
            request({ type: 'idle' }, (reply) => (reply.type === 'idle' ? true : undefined)).then(() => undefined),
        });
      } else if (message?.type === 'load-error') {
        cleanup();
        void exited.then(() => reject(new Error(message.message)));
        // The child exits by itself after reporting; make sure it does.
        setTimeout(() => kill('SIGKILL'), 5000).unref();
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(new Error(`The host exited (${signal ?? `code ${code}`}) before it was ready.\n${output.trim()}`));
    };
    // A host waiting for storage that will never come (its Azurite failed to start) waits up to a
    // minute; whoever knows that can end the wait at once.
    const onAbort = () => {
      cleanup();
      kill('SIGKILL');
      reject(options.signal?.reason ?? new Error('The host start was aborted.'));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      options.signal?.removeEventListener('abort', onAbort);
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', (err) => {
      cleanup();
      reject(err);
    });
  });
}
