// Vitest runs a lab's checks in a new process each time (its `forks` pool), and in `--watch`
// starting that process is part of the wait after every save: Node, then Vitest's worker
// runtime, before the first check is even read. This pool is Vitest's own forks pool with one
// change: after a run, the process for the next run is started and left waiting, as the app's
// hosts are (standby-hosts.ts). A run still gets a process of its own, never one a run has used.

import { fork, type ChildProcess } from 'node:child_process';
import { ForksPoolWorker, type PoolOptions, type PoolRunnerInitializer } from 'vitest/node';

/** What a fork is started with: a waiting one is taken only by a run that would start the same. */
interface ForkSpec {
  entrypoint: string;
  env: Partial<NodeJS.ProcessEnv>;
  execArgv: string[];
}

function sameSpec(a: ForkSpec, b: ForkSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Started as ForksPoolWorker starts its process, and made to import `preload` while it waits:
 * the packages the checks import, which Vitest then finds loaded (they must be external to it).
 */
function forkFor(spec: ForkSpec, preload: readonly string[]): ChildProcess {
  return fork(spec.entrypoint, [], {
    env: spec.env as NodeJS.ProcessEnv,
    execArgv: [...spec.execArgv, ...preload.flatMap((url) => ['--import', url])],
    stdio: 'pipe',
    serialization: 'advanced',
  });
}

export interface StandbyForks {
  /** Vitest's `pool` option. */
  pool: PoolRunnerInitializer;
  /** Starts the next run's process, if none waits (call it when a run has ended). */
  refill(): void;
  /** The waiting process's id, if one waits (for tests). */
  waitingPid(): number | undefined;
  stop(): void;
}

export function standbyForks(preload: readonly string[] = []): StandbyForks {
  let last: ForkSpec | undefined;
  let waiting: { child: ChildProcess; spec: ForkSpec } | undefined;
  const take = (spec: ForkSpec): ChildProcess | undefined => {
    last = spec;
    const found = waiting;
    waiting = undefined;
    if (found && sameSpec(found.spec, spec) && found.child.exitCode === null && found.child.connected) {
      return found.child;
    }
    found?.child.kill();
    return undefined;
  };

  class StandbyForkWorker extends ForksPoolWorker {
    override async start(): Promise<void> {
      const child = take({ entrypoint: this.entrypoint, env: this.env, execArgv: this.execArgv });
      // ForksPoolWorker forks only when it has no process yet (`this._fork ||= fork(…)`).
      if (child) (this as unknown as { _fork?: ChildProcess })._fork = child;
      await super.start();
    }
  }

  return {
    pool: { name: 'standby-forks', createPoolWorker: (options: PoolOptions) => new StandbyForkWorker(options) },
    refill() {
      if (!last || waiting) return;
      const child = forkFor(last, preload);
      // Its output is read once a run takes it; until then, nothing it prints may block it.
      child.stdout?.resume();
      child.stderr?.resume();
      waiting = { child, spec: last };
    },
    waitingPid: () => waiting?.child.pid,
    stop() {
      waiting?.child.kill();
      waiting = undefined;
    },
  };
}
