// Hosts in standby for `npm run lab -- --watch`: Azure's placeholder mode. After a run of the
// checks, the watching process starts as many hosts as that run asked for, in standby
// (`cli.ts standby`): each loads its modules and starts the app's worker, which imports the app's
// packages, and waits. The next run's spawnHost (in Vitest's process for that run) asks for one
// over a local socket; the host gets the arguments and environment it would have been started
// with (`specialize`), loads the app and serves. Its output, its IPC messages and its exit go
// through the socket as they would through a pipe (standby-client.ts), and it stops when the
// socket closes, as a spawned host stops when its parent goes away. A save then costs the app's
// own load, not two processes' start (about 0.4 s of each host).

import { spawn, type ChildProcess } from 'node:child_process';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HostMessage, ParentMessage } from './cli.ts';
import { hostEntryPoint } from './host-bundle.ts';
import { listenLocally, onJsonLines, writeJsonLine } from './local-socket.ts';
import type { AppCode } from './worker/app-loader.ts';

/** Where spawnHost asks for a host in standby: the socket's path (set in the checks' environment). */
export const STANDBY_HOSTS_ENV = 'WORKSHOP_STANDBY_HOSTS';

/** What a process that asks for a host sends first (one line of JSON). */
export interface StandbyRequest {
  argv: string[];
  env: Record<string, string>;
}

/** The frames on the socket, one line of JSON each. To the asker: */
export type StandbyFrame =
  | { t: 'none' }
  | { t: 'adopted'; pid: number }
  | { t: 'out'; stream: 'stdout' | 'stderr'; text: string }
  | { t: 'message'; message: HostMessage }
  | { t: 'exit'; code: number | null; signal: NodeJS.Signals | null };

/** From the asker: */
export type StandbyCommand = { t: 'message'; message: ParentMessage } | { t: 'kill'; signal: NodeJS.Signals };

export interface StandbyHosts {
  /** The variable that points spawnHost at these hosts. */
  env: Record<string, string>;
  /**
   * Starts hosts in standby until there are as many as were asked for since the last refill (at
   * most `max`), or `atLeast`.
   */
  refill(atLeast?: number): void;
  /** The process ids of the hosts in standby now. */
  waiting(): number[];
  /** Resolves once every host in standby can be handed over. */
  listening(): Promise<void>;
  stop(): Promise<void>;
}

interface Waiting {
  child: ChildProcess;
  listening: boolean;
  heard: Promise<void>;
}

export async function startStandbyHosts(options: {
  appDir: string;
  appCode?: AppCode;
  /** Most hosts kept in standby (default 3: lab 12 starts three at once). */
  max?: number;
}): Promise<StandbyHosts> {
  const appDir = path.resolve(options.appDir);
  const appCode = options.appCode ?? 'source';
  const max = options.max ?? 3;
  const env: NodeJS.ProcessEnv = { NODE_COMPILE_CACHE: path.join(tmpdir(), 'node-compile-cache'), ...process.env };
  delete env[STANDBY_HOSTS_ENV];
  const waiting: Waiting[] = [];
  const adopted = new Set<ChildProcess>();
  let asked = 0;
  let stopped = false;

  const startOne = () => {
    const args = [hostEntryPoint(env), 'standby', appDir, ...(appCode === 'built' ? ['--built'] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env });
    let heard = () => {};
    const entry: Waiting = { child, listening: false, heard: new Promise((resolve) => (heard = resolve)) };
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.on('message', (message: HostMessage) => {
      if (message?.type !== 'standby') return;
      entry.listening = true;
      heard();
    });
    child.once('exit', () => heard());
    child.once('exit', () => {
      const index = waiting.indexOf(entry);
      if (index >= 0) waiting.splice(index, 1);
    });
    child.on('error', () => undefined);
    waiting.push(entry);
  };

  /** A host in standby that can become the one asked for; undefined when none can. */
  const take = (request: StandbyRequest): ChildProcess | undefined => {
    const [command, dir, ...flags] = request.argv;
    if (command !== 'serve' || !dir || path.resolve(dir) !== appDir) return undefined;
    if (flags.includes('--built') !== (appCode === 'built')) return undefined;
    // Node's own options cannot change once a process runs.
    if ((request.env.NODE_OPTIONS ?? '') !== (env.NODE_OPTIONS ?? '')) return undefined;
    const index = waiting.findIndex((w) => w.listening && w.child.exitCode === null && w.child.signalCode === null);
    if (index < 0) return undefined;
    return waiting.splice(index, 1)[0]!.child;
  };

  const server = await listenLocally('standby', (socket: net.Socket) => {
    const write = (frame: StandbyFrame) => writeJsonLine(socket, frame);
    let child: ChildProcess | undefined;
    let refused = false;
    onJsonLines(socket, (value) => {
      if (refused) return;
      if (child) {
        const command = value as StandbyCommand;
        if (command?.t === 'message' && child.connected) child.send(command.message, undefined, {}, () => undefined);
        if (command?.t === 'kill' && child.exitCode === null && child.signalCode === null) child.kill(command.signal);
        return;
      }
      const request = value as StandbyRequest;
      asked++;
      child = Array.isArray(request?.argv) && request.env ? take(request) : undefined;
      if (!child) {
        refused = true;
        write({ t: 'none' });
        socket.end();
        return;
      }
      relay(child, request);
    });
    // The asker went away (its run ended, or it was killed): its host goes too, as a spawned one does.
    socket.on('close', () => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      setTimeout(() => child!.kill('SIGKILL'), 5_000).unref();
    });
    socket.on('error', () => undefined);

    function relay(host: ChildProcess, request: StandbyRequest): void {
      adopted.add(host);
      write({ t: 'adopted', pid: host.pid! });
      host.removeAllListeners('message');
      for (const stream of ['stdout', 'stderr'] as const)
        host[stream]!.on('data', (text: string) => write({ t: 'out', stream, text }));
      host.on('message', (message: HostMessage) => write({ t: 'message', message }));
      // After its output has all been read: the asker's last lines are complete.
      host.once('close', (code, signal) => {
        adopted.delete(host);
        write({ t: 'exit', code, signal });
        socket.end();
      });
      const specialize: ParentMessage = { type: 'specialize', argv: request.argv, env: request.env };
      host.send(specialize, undefined, {}, () => undefined);
    }
  });

  return {
    env: { [STANDBY_HOSTS_ENV]: server.path },
    refill(atLeast = 0) {
      if (stopped) return;
      const wanted = Math.max(atLeast, Math.min(max, asked));
      asked = 0;
      while (waiting.length < wanted) startOne();
    },
    waiting: () => waiting.map((w) => w.child.pid!),
    async listening() {
      await Promise.all(waiting.map((w) => w.heard));
    },
    async stop() {
      stopped = true;
      const all = [...waiting.map((w) => w.child), ...adopted];
      waiting.length = 0;
      await Promise.all(
        all.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGKILL');
            }),
        ),
      );
      await server.close();
    },
  };
}
