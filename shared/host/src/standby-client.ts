// spawnHost's side of the hosts in standby (standby-hosts.ts): asks the watching process for one
// and, when it has one, stands in for the child process: the host's output on stdout and
// stderr, its IPC messages, kill() and its exit arrive through the socket as through a pipe.

import { EventEmitter } from 'node:events';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import type { HostMessage, ParentMessage } from './cli.ts';
import { onJsonLines, writeJsonLine } from './local-socket.ts';
import { environmentVariables } from './settings.ts';
import { STANDBY_HOSTS_ENV, type StandbyCommand, type StandbyFrame, type StandbyRequest } from './standby-hosts.ts';

/** A host process in standby that this process now drives, through the socket. */
export class AdoptedHost extends EventEmitter {
  readonly pid: number;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  connected = true;
  readonly #socket: net.Socket;
  /**
   * Frames held until resume(): those that came in the same chunk as the adoption (a busy
   * process reads several frames at once) would otherwise be emitted before spawnHost listens,
   * and a lost `ready` left it waiting a minute.
   */
  #held: StandbyFrame[] | undefined = [];

  constructor(socket: net.Socket, pid: number) {
    super();
    this.#socket = socket;
    this.pid = pid;
  }

  send(
    message: ParentMessage,
    _handle?: unknown,
    _options?: unknown,
    callback?: (error: Error | null) => void,
  ): boolean {
    if (!this.connected) return false;
    this.#write({ t: 'message', message });
    callback?.(null);
    return true;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (!this.connected) return false;
    this.#write({ t: 'kill', signal });
    return true;
  }

  /** What the watching process said about the host: held until resume(). */
  receive(frame: StandbyFrame): void {
    if (this.#held) this.#held.push(frame);
    else this.#deliver(frame);
  }

  /** Delivers what was held, and from now on each frame as it comes; call once listening. */
  resume(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const frame of held) this.#deliver(frame);
  }

  #deliver(frame: StandbyFrame): void {
    if (frame.t === 'out') (frame.stream === 'stdout' ? this.stdout : this.stderr).write(frame.text);
    else if (frame.t === 'message') this.emit('message', frame.message satisfies HostMessage);
    else if (frame.t === 'exit') this.#exited(frame.code, frame.signal);
  }

  /** The host is gone. */
  #exited(code: number | null, signal: NodeJS.Signals | null): void {
    if (!this.connected) return;
    this.connected = false;
    this.exitCode = code;
    this.signalCode = signal;
    this.stdout.end();
    this.stderr.end();
    this.emit('exit', code, signal);
    this.emit('disconnect');
    this.emit('close', code, signal);
  }

  #write(command: StandbyCommand): void {
    writeJsonLine(this.#socket, command);
  }
}

/**
 * A host in standby, handed `argv` and `env` (what `cli.ts` would have been started with); or
 * undefined when nobody keeps hosts in standby here, or none fits: spawnHost then spawns one.
 * Nothing of the host is emitted before its `resume()`.
 */
export function adoptStandbyHost(argv: string[], env: NodeJS.ProcessEnv): Promise<AdoptedHost | undefined> {
  const socketPath = process.env[STANDBY_HOSTS_ENV];
  if (!socketPath) return Promise.resolve(undefined);
  const request: StandbyRequest = { argv, env: environmentVariables(env) };
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    let host: AdoptedHost | undefined;
    const settle = (value: AdoptedHost | undefined) => {
      resolve(value);
      if (!value) socket.destroy();
    };
    writeJsonLine(socket, request);
    onJsonLines(socket, (value) => {
      const frame = value as StandbyFrame;
      if (host) host.receive(frame);
      else if (frame?.t === 'adopted') settle((host = new AdoptedHost(socket, frame.pid)));
      else settle(undefined);
    });
    // The watching process gone takes its host along: SIGKILL, after whatever came before it.
    const lost = () => (host ? host.receive({ t: 'exit', code: null, signal: 'SIGKILL' }) : settle(undefined));
    socket.on('error', lost);
    socket.on('close', lost);
  });
}
