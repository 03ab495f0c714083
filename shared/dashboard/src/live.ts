// Server-sent events that tell open dashboard pages which instances changed, so the page
// refreshes what it shows without a reload. The engine's telemetry says when an instance
// changed; on a task hub without this host's engine (npm run dashboard), another host does the
// work and nothing here hears of it, so the page is told to look again every two seconds.

import type { ServerResponse } from 'node:http';
import type { TaskHubSource } from './task-hub-view.ts';

/** Changes are sent at most this often: a fan-out of 100 activities is one refresh, not 200. */
const BATCH_MS = 250;
/** With no engine to hear from, the pages look again this often. */
const POLL_MS = 2000;
/** A comment line now and then keeps proxies and the browser from dropping an idle stream. */
const HEARTBEAT_MS = 15_000;

export class LiveChanges {
  readonly #source: TaskHubSource;
  readonly #streams = new Set<ServerResponse>();
  readonly #changed = new Set<string>();
  /** The pending batch of changes (with an engine), or the poll (without one). */
  #batch: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #beat: NodeJS.Timeout | undefined;

  constructor(source: TaskHubSource) {
    this.#source = source;
  }

  stream(res: ServerResponse, headers: Record<string, string>): void {
    res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    res.write(`retry: 1000\nevent: hello\ndata: {"mode":${JSON.stringify(this.#source.mode)}}\n\n`);
    this.#streams.add(res);
    res.on('close', () => {
      this.#streams.delete(res);
      if (this.#streams.size === 0) this.#stop();
    });
    this.#start();
  }

  #start(): void {
    if (this.#beat) return;
    this.#beat = setInterval(() => this.#broadcast(': still here\n\n'), HEARTBEAT_MS);
    this.#beat.unref();
    if (this.#source.mode === 'host') {
      this.#unsubscribe = this.#source.telemetry.onChange((id) => {
        this.#changed.add(id);
        this.#batch ??= setTimeout(() => this.#flush(), BATCH_MS);
      });
    } else {
      this.#poll = setInterval(() => this.#broadcast('event: poll\ndata: {}\n\n'), POLL_MS);
      this.#poll.unref();
    }
  }

  #flush(): void {
    this.#batch = undefined;
    const ids = [...this.#changed].slice(0, 100);
    this.#changed.clear();
    this.#broadcast(`event: change\ndata: ${JSON.stringify({ ids })}\n\n`);
  }

  #broadcast(text: string): void {
    for (const res of this.#streams) res.write(text);
  }

  #stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    clearInterval(this.#beat);
    this.#beat = undefined;
    clearTimeout(this.#batch);
    clearInterval(this.#poll);
    this.#batch = this.#poll = undefined;
  }

  /** Ends every open stream (the server is closing). */
  close(): void {
    for (const res of this.#streams) res.end();
    this.#streams.clear();
    this.#stop();
  }
}
